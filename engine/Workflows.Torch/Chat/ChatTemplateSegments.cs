using Workflows.Torch.Chat.Jinja;

namespace Workflows.Torch.Chat;

public sealed partial class ChatTemplate
{
    /// <summary>
    /// The whole conversation cut into prompt and assistant pieces: each assistant turn spans from
    /// where the conversation up to it, rendered with a generation prompt, ends, to where that turn
    /// alone, rendered without one, stops agreeing with the whole (so its end-of-turn marker is
    /// included). Every assistant turn is found, so multi-turn rows train on each answer.
    /// </summary>
    /// <exception cref="JinjaException">The template refused the conversation, or rewrites earlier turns
    /// so the pieces do not line up (then only <c>train_on_inputs</c> can use it).</exception>
    public IReadOnlyList<ChatSegment> Segments(IReadOnlyList<ChatTurn> messages)
    {
        var full = Render(messages, addGenerationPrompt: false);
        var segments = new List<ChatSegment>();
        var position = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i].Role != "assistant") continue;
            var prompt = Render(messages.Take(i).ToList(), addGenerationPrompt: true);
            if (!full.StartsWith(prompt, StringComparison.Ordinal) || prompt.Length < position)
            {
                throw new JinjaException($"chat template '{Name}' writes the conversation before assistant turn {i + 1} differently from the whole conversation, " +
                    "so its answer cannot be located; set train_on_inputs: true or use a built-in template");
            }

            var turn = Render(messages.Take(i + 1).ToList(), addGenerationPrompt: false);
            var end = CommonPrefix(turn, full);
            if (end <= prompt.Length) throw new JinjaException($"chat template '{Name}' writes nothing for assistant turn {i + 1}");
            if (prompt.Length > position) segments.Add(new ChatSegment(full[position..prompt.Length], false));
            segments.Add(new ChatSegment(full[prompt.Length..end], true));
            position = end;
        }

        if (position < full.Length) segments.Add(new ChatSegment(full[position..], false));
        return segments;
    }

    private static int CommonPrefix(string a, string b)
    {
        var n = Math.Min(a.Length, b.Length);
        var i = 0;
        while (i < n && a[i] == b[i]) i++;
        return i;
    }

    // The end-of-turn marker: what the template writes after an assistant's words, up to the next
    // whitespace or turn (e.g. "<|eot_id|>", "<|im_end|>", "</s>", "<end_of_turn>", "<|end|>").
    private string FindEndOfTurn()
    {
        const string answer = "Z9q";
        var segments = Segments([new("user", "U"), new("assistant", answer), new("user", "V"), new("assistant", "W")]);
        var first = segments.First(s => s.Assistant).Text;
        var tail = first[(first.IndexOf(answer, StringComparison.Ordinal) + answer.Length)..].Trim();
        return tail.Length > 0 ? tail.Split('\n')[0].Trim()
            : throw new JinjaException($"chat template '{Name}' writes nothing after an assistant's answer, so generation would not know where a turn ends");
    }
}
