namespace Workflows.Torch.Tokenization;

/// <summary>When a SentencePiece-style tokenizer writes "▁" before text (HF's Metaspace prepend_scheme).</summary>
internal enum PrefixRule
{
    /// <summary>Before every piece of text between special tokens (SentencePiece's dummy prefix).</summary>
    Always,

    /// <summary>Only at the start of the input, and not when it already starts with a space.</summary>
    First,

    /// <summary>Never.</summary>
    Never,
}
