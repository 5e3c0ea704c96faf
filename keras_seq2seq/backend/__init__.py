"""Everything that branches on the Keras backend: the training loop over time, compiling a
decode loop, fused RNN kernels, and data-parallel engines. The rest of the package is
`keras.ops` only."""
