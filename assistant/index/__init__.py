"""The index: build, load, versions, the document store, BM25, dense stores (FAISS, Milvus), retrievers, filters."""
