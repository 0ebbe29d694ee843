"""scalefold: bootstrap production-grade, scalable Node.js/TypeScript backends."""

__version__ = "0.1.0"
