using System.Text.Json;

namespace Workflows.Torch.Tests.Tokenization;

/// <summary>Expected ids: llama.cpp's vocab test vectors (<c>.inp</c> texts split by a
/// <c>__ggml_vocab_test__</c> line, <c>.out</c> one line of ids per text) and the committed
/// reference-tokenizer fixtures (<c>Fixtures/tokenizers/*.json</c>, from tests/reference-js).</summary>
internal static class TokenizerVectors
{
    public static string Families => Path.Combine(SharedAssets.Shared, "tokenizers", "families");

    public static IReadOnlyList<(string Text, int[] Ids)> LlamaCpp(string vocab)
    {
        var folder = Path.Combine(Families, "llama.cpp-vocab-tests");
        var texts = File.ReadAllText(Path.Combine(folder, $"ggml-vocab-{vocab}.gguf.inp")).Split("\n__ggml_vocab_test__\n")[..^1];
        var ids = File.ReadAllText(Path.Combine(folder, $"ggml-vocab-{vocab}.gguf.out")).Split('\n')[..texts.Length]
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray()).ToArray();
        return texts.Zip(ids).ToList();
    }

    public static IReadOnlyList<(string Text, int[] Ids)> Reference(string family)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(SharedAssets.Fixture(Path.Combine("tokenizers", family + ".json"))));
        return document.RootElement.EnumerateArray()
            .Select(row => (row.GetProperty("text").GetString()!, row.GetProperty("ids").EnumerateArray().Select(i => i.GetInt32()).ToArray()))
            .ToList();
    }
}
