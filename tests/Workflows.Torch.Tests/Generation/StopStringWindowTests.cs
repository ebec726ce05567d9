using NUnit.Framework;
using Workflows.Torch.Generation;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;

namespace Workflows.Torch.Tests.Generation;

/// <summary>A row watching for stop strings through a window of its last tokens against the plain rule:
/// decode the whole sequence after every token and cut at the earliest stop string.</summary>
public class StopStringWindowTests
{
    // Leading spaces, newlines, two-byte, four-byte and CJK characters (byte-fallback and byte-level tokens),
    // and strings long enough to span many tokens.
    private static readonly string[] StopStrings = [" the", "\n\n", "é", "😀", "中文", "Question:", ", and then he said", "\nA:", "。", "Once upon a time, there was a little dog named"];

    [TestCase("stories260K", "")]
    [TestCase("llama-3.2-1b-instruct", "")]
    [TestCase("qwen2.5-0.5b-instruct", "")]
    [TestCase("mistral-7b-instruct-v0.3", "")]
    [TestCase("mistral-7b-instruct-v0.3", "tokenizer.model")]
    public void Accept_RandomTokensWithPlantedStopStrings_StopsWhereTheWholeDecodeDoes(string family, string file)
    {
        var tokenizer = Tokenizer(family, file);
        var random = new Random(family.Length * 31 + file.Length);
        var stopped = 0;
        for (var sequence = 0; sequence < 120; sequence++)
        {
            string[] stops = sequence % 3 == 0 ? StopStrings : [StopStrings[sequence % StopStrings.Length]];
            var prompt = new List<int>();
            if (tokenizer.BosId is { } bos) prompt.Add(bos);
            prompt.AddRange(RandomIds(tokenizer, random, random.Next(1, 20)));
            // Random tokens around a text holding a stop string, so stop strings fall at any distance and split across tokens;
            // every fourth text starts with its stop string and the prompt ends with its first tokens, cutting a
            // character's bytes where the prompt's text and the completion part.
            var atPrompt = sequence % 4 == 3;
            var planted = tokenizer.Encode($"{(atPrompt ? "" : Words(random))}{stops[random.Next(stops.Length)]}{Words(random)}", addBos: false).ToList();
            var cut = atPrompt ? random.Next(1, Math.Min(3, planted.Count) + 1) : 0;
            prompt.AddRange(planted.Take(cut));
            var generated = RandomIds(tokenizer, random, atPrompt ? 0 : random.Next(0, 40)).Concat(planted.Skip(cut)).Concat(RandomIds(tokenizer, random, random.Next(1, 10))).ToList();

            var expected = Reference(tokenizer, prompt, generated, stops);
            var options = new GenerationOptions { MaxTokens = generated.Count, StopStrings = stops };
            var row = new GenerationRow(tokenizer.Decode(prompt), prompt, tokenizer, options, capacity: 1 << 20);
            var accepted = 0;
            while (row.CheckRoom()) row.Accept(generated[accepted++]);
            var result = row.Result();

            var name = $"{family} {file} sequence {sequence}: [{string.Join(' ', prompt)}] + [{string.Join(' ', generated)}]";
            Assert.That((accepted, result.StopReason, result.Completion), Is.EqualTo(expected), name);
            if (result.StopReason == StopReason.StopString) stopped++;
        }

        // Most sequences must reach their planted stop string, or the comparison would say little.
        Assert.That(stopped, Is.GreaterThan(80), "sequences stopped at a stop string");
    }

    // The old rule, written out: the whole sequence decoded after every token, the completion split off the
    // prompt's text where the two first differ, the earliest stop string cut off.
    private static (int Tokens, StopReason Reason, string Completion) Reference(TextTokenizer tokenizer, List<int> prompt, List<int> generated, string[] stops)
    {
        var promptText = tokenizer.Decode(prompt);
        var completion = string.Empty;
        for (var count = 1; count <= generated.Count; count++)
        {
            var full = tokenizer.Decode(prompt.Concat(generated.Take(count)));
            var same = 0;
            while (same < full.Length && same < promptText.Length && full[same] == promptText[same]) same++;
            completion = full[same..];
            var cut = stops.Select(s => completion.IndexOf(s, StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(-1).Min();
            if (cut >= 0) return (count, StopReason.StopString, completion[..cut]);
        }

        return (generated.Count, StopReason.MaxTokens, completion);
    }

    private static TextTokenizer Tokenizer(string family, string file)
    {
        if (family == "stories260K") return TokenizerLoader.ForModel(SharedAssets.Stories260K, LlamaConfig.Load(Path.Combine(SharedAssets.Stories260K, "config.json")));
        var folder = Path.Combine(SharedAssets.Shared, "tokenizers", "families", family);
        var config = LlamaConfig.Load(Path.Combine(folder, "config.json"));
        return file.Length == 0 ? TokenizerLoader.ForModel(folder, config) : TokenizerLoader.Load(Path.Combine(folder, file), config);
    }

    // Any ids but BOS and end-of-sequence, which end a row before its text is looked at.
    private static IEnumerable<int> RandomIds(TextTokenizer tokenizer, Random random, int count)
    {
        var ids = new List<int>();
        while (ids.Count < count)
        {
            var id = random.Next(tokenizer.VocabularySize);
            if (id != tokenizer.BosId && !tokenizer.EosIds.Contains(id)) ids.Add(id);
        }

        return ids;
    }

    private static string Words(Random random) =>
        string.Join(' ', Enumerable.Range(0, random.Next(0, 4)).Select(_ => new[] { "once", "Tom", "a", "big", "día", "日本", "ok!", "\n" }[random.Next(8)]));
}
