using Microsoft.ML.Tokenizers;

namespace Workflows.Torch.Tokenization;

/// <summary>What a tokenizer file yields: the tokenizer, how many ids it spans, and its added/special
/// tokens (text → id), which are matched whole in the input before any other splitting.</summary>
internal sealed record TokenizerParts(Tokenizer Tokenizer, int VocabularySize, IReadOnlyDictionary<string, int> SpecialTokens);
