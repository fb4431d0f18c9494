"""The insurer's workspace: deadline compliance across the portfolio."""
