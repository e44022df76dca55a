"""Customer Service Academy: a course platform for customer-service training."""

__version__ = "0.1.0"
