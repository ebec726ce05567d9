namespace Workflows.Torch.Tokenization;

/// <summary>Pre-tokenizer regexes of the byte-level BPE families, as their tokenizers publish them.
/// A <c>tokenizer.json</c> carries its own; these serve files that do not (GPT-2 and Qwen2
/// <c>vocab.json</c> + <c>merges.txt</c>, Meta's tiktoken <c>tokenizer.model</c>).</summary>
internal static class ByteLevelPatterns
{
    /// <summary>GPT-2's pattern (also the default of a ByteLevel pre-tokenizer with <c>use_regex</c>).</summary>
    public const string Gpt2 = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>Llama 3 (Meta's tokenizer.py <c>pat_str</c>): digits in groups of up to three.</summary>
    public const string Llama3 = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>Qwen2/2.5/3 (transformers' Qwen2Tokenizer <c>PRETOKENIZE_REGEX</c>): one digit per piece.</summary>
    public const string Qwen2 = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
}
