"""finbot: Chinese-language intelligent customer service for consumer-finance lenders."""

__version__ = "0.1.0"
