"""Text helpers both the index and the answerer use: jieba tokens, numbers, pinyin, the question/instruction guard."""
