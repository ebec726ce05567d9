using System.Text;
using Workflows.Steps.Datasets;

namespace Workflows.Steps.Augment;

/// <summary>Adds copies with word-level edits on the prompt side (<see cref="RowTexts.Prompt"/>).</summary>
internal sealed class NoiseAugmenter(NoiseOptions options, int seed) : IAugmenter
{
    private static readonly string[] KeyboardRows = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];

    public string Name => "noise";

    public ValueTask<IReadOnlyList<DatasetRow>> ApplyAsync(DatasetRow row, CancellationToken cancellationToken)
    {
        if (RowTexts.Prompt(row) is not { } prompt || options.Operations.Count == 0)
            return ValueTask.FromResult<IReadOnlyList<DatasetRow>>([row]);
        var rows = new List<DatasetRow> { row };
        for (var copy = 0; copy < options.Copies; copy++)
        {
            var noisy = Noisy(prompt, StableRandom.For(seed, Name, row.Id, copy));
            rows.Add(row.Derive(r => RowTexts.WithPrompt(r, noisy)));
        }
        return ValueTask.FromResult<IReadOnlyList<DatasetRow>>(rows);
    }

    /// <summary>Edits each word with probability <see cref="NoiseOptions.Rate"/>, and one random word
    /// when none was picked, so every copy differs from its source.</summary>
    internal string Noisy(string text, StableRandom random)
    {
        var words = text.Split(' ');
        var editable = Enumerable.Range(0, words.Length).Where(i => words[i].Any(char.IsLetter)).ToList();
        if (editable.Count == 0) return text;
        var picked = editable.Where(_ => random.NextDouble() < options.Rate).ToList();
        if (picked.Count == 0) picked.Add(editable[random.Next(editable.Count)]);
        foreach (var i in picked) words[i] = Edit(words[i], options.Operations[random.Next(options.Operations.Count)], random);
        return string.Join(' ', words);
    }

    private static string Edit(string word, NoiseOperation operation, StableRandom random)
    {
        var letters = Enumerable.Range(0, word.Length).Where(i => char.IsLetter(word[i])).ToList();
        var at = letters[random.Next(letters.Count)];
        var chars = new StringBuilder(word);
        switch (operation)
        {
            case NoiseOperation.Swap when word.Length > 1:
                var next = at + 1 < word.Length ? at + 1 : at - 1;
                (chars[at], chars[next]) = (chars[next], chars[at]);
                break;
            case NoiseOperation.Delete when word.Length > 1:
                chars.Remove(at, 1);
                break;
            case NoiseOperation.Case:
                var first = letters[0];
                chars[first] = char.IsUpper(word[first]) ? char.ToLowerInvariant(word[first]) : char.ToUpperInvariant(word[first]);
                break;
            default: // typo, and swap/delete on one-letter words
                chars[at] = Neighbour(word[at], random);
                break;
        }
        return chars.ToString();
    }

    private static char Neighbour(char c, StableRandom random)
    {
        var lower = char.ToLowerInvariant(c);
        foreach (var row in KeyboardRows)
        {
            var i = row.IndexOf(lower);
            if (i < 0) continue;
            var options = new[] { i - 1, i + 1 }.Where(j => j >= 0 && j < row.Length).ToArray();
            var replacement = row[options[random.Next(options.Length)]];
            return char.IsUpper(c) ? char.ToUpperInvariant(replacement) : replacement;
        }
        return c == 'x' ? 'z' : 'x'; // not on the letter rows (accents, digits): any visible change will do
    }
}
