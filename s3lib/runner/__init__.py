"""The notebook runner: tasks, reusable kernels, the dask executor and the HTML export."""
