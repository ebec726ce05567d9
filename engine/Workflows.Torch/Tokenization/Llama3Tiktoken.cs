using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Workflows.Torch.Tokenization;

/// <summary>
/// Meta's original Llama 3 <c>tokenizer.model</c>: a tiktoken rank file (base64 token, space, rank
/// per line) read by Microsoft.ML.Tokenizers' <see cref="TiktokenTokenizer"/> with Llama 3's regex.
/// The 256 special tokens after the ranks are not in the file; they are named as Llama 3.1/3.2's
/// published <c>tokenizer.json</c> names them, so chat templates find <c>&lt;|eot_id|&gt;</c> and the rest.
/// </summary>
internal static class Llama3Tiktoken
{
    private const int SpecialCount = 256;

    private static readonly string[] Named =
    [
        "<|begin_of_text|>", "<|end_of_text|>", "<|reserved_special_token_0|>", "<|reserved_special_token_1|>",
        "<|finetune_right_pad_id|>", "<|reserved_special_token_2|>", "<|start_header_id|>", "<|end_header_id|>",
        "<|eom_id|>", "<|eot_id|>", "<|python_tag|>",
    ];

    /// <summary>Whether <paramref name="path"/> starts like a tiktoken rank file rather than a SentencePiece protobuf.</summary>
    public static bool IsTiktokenFile(string path)
    {
        using var reader = new StreamReader(path);
        var buffer = new char[128];
        var read = reader.ReadBlock(buffer, 0, buffer.Length);
        var firstLine = new string(buffer, 0, read).Split('\n')[0];
        return Regex.IsMatch(firstLine, @"^[A-Za-z0-9+/=]+ [0-9]+$");
    }

    public static TokenizerParts Load(string path)
    {
        var ranks = File.ReadLines(path).Count(l => l.Length > 0);
        var special = SpecialTokens(ranks);
        using var stream = File.OpenRead(path);
        var tokenizer = TiktokenTokenizer.Create(stream, new RegexPreTokenizer(new Regex(ByteLevelPatterns.Llama3, RegexOptions.Compiled), special), null, special);
        return new TokenizerParts(tokenizer, ranks + SpecialCount, special);
    }

    /// <summary>The special tokens of a rank file of <paramref name="ranks"/> entries.</summary>
    public static IReadOnlyDictionary<string, int> SpecialTokens(int ranks)
    {
        var names = Named.Concat(Enumerable.Range(3, SpecialCount - Named.Length).Select(i => $"<|reserved_special_token_{i}|>"));
        return names.Select((name, i) => (name, id: ranks + i)).ToDictionary(p => p.name, p => p.id, StringComparer.Ordinal);
    }
}
