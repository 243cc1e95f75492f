"""Stage 1: read a source (text, PDF, OCR) into text with its pages and lines; the inbox."""
