"""A run taken home: the standalone Keras 3 script and the Jupyter notebook."""
