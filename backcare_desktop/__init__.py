"""Back Care: a hands-free desktop player for guided back-care self-massage and relaxation."""

__version__ = "0.1.0"
