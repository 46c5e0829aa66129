"""The intent network: the e5 encoder with e5's own mean pooling and a linear head.

e5 was trained to represent a sentence by the mean of its token states, not by the [CLS] token, so
classifying that mean converges far faster than ``BertForSequenceClassification``'s [CLS] pooler
(which, for e5, starts from an untrained projection). The head starts as the nearest-centroid
classifier of the training classes (see ``trainer.init_head_from_centroids``). It is a regular
``transformers`` model: ``save_pretrained`` / ``from_pretrained`` work as usual.
"""

from __future__ import annotations

import torch
from torch import nn
from transformers import BertModel, BertPreTrainedModel
from transformers.modeling_outputs import SequenceClassifierOutput


class MeanPoolingClassifier(BertPreTrainedModel):
    def __init__(self, config):
        super().__init__(config)
        self.num_labels = config.num_labels
        self.bert = BertModel(config, add_pooling_layer=False)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.classifier = nn.Linear(config.hidden_size, config.num_labels)
        self.post_init()

    def sentence_embedding(self, input_ids, attention_mask, token_type_ids=None) -> torch.Tensor:
        """Mean of the token states over the real tokens, L2-normalised (e5's sentence embedding)."""
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
        return nn.functional.normalize(pooled, dim=-1)

    def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, labels=None, **_):
        embedding = self.sentence_embedding(input_ids, attention_mask, token_type_ids)
        logits = self.classifier(self.dropout(embedding))
        loss = nn.functional.cross_entropy(logits, labels) if labels is not None else None
        return SequenceClassifierOutput(loss=loss, logits=logits)
