using Workflows.Steps.Datasets;
using Workflows.Torch.Chat;

namespace Workflows.Steps.Train;

/// <summary>Writes dataset rows as prompt/completion segments in a chat template. The same
/// <see cref="Prompt"/> text is what a caller must send at inference to get the trained behaviour.</summary>
public static class PromptRenderer
{
    /// <summary>Whether <paramref name="template"/> is a Jinja chat template (auto or a built-in one, chatml
    /// included) rather than one of the fixed text formats.</summary>
    public static bool IsChatTemplate(PromptTemplate template) => template >= PromptTemplate.Auto || template == PromptTemplate.Chatml;

    /// <summary>The <see cref="ChatTemplate"/> name of <paramref name="template"/>.</summary>
    public static string ChatTemplateName(PromptTemplate template) => template.ToString().ToLowerInvariant();

    /// <summary>The segments of <paramref name="row"/>, or null when the row kind cannot train a
    /// causal model (classification rows). Chat templates need <paramref name="chat"/>.</summary>
    public static IReadOnlyList<TextSegment>? Render(DatasetRow row, PromptTemplate template, string? custom, ChatTemplate? chat = null) =>
        IsChatTemplate(template) ? RenderChat(row, chat ?? throw new ArgumentNullException(nameof(chat))) : Render(row, template, custom);

    private static IReadOnlyList<TextSegment>? Render(DatasetRow row, PromptTemplate template, string? custom) => row.Kind switch
    {
        RowKind.Instruction when !string.IsNullOrEmpty(row.Output) =>
            [new(Prompt(template, custom, row.System, Join(row.Instruction, row.Input), row.Input), false), Completion(row.Output!)],
        RowKind.Conversation when row.Messages is { Count: > 0 } => Turns(row.Messages, template, custom),
        RowKind.Preference when !string.IsNullOrEmpty(row.Chosen) =>
            [.. Turns(row.Messages ?? [], template, custom, endWithPrompt: true), Completion(row.Chosen!)],
        RowKind.Text when !string.IsNullOrEmpty(row.Text) => [new(row.Text!, true)],
        _ => null,
    };

    /// <summary>The shared prompt and the two answers of a preference row, or null when it is not a full pair.</summary>
    /// <remarks>With a chat template (<paramref name="chat"/>) the prompt is the conversation rendered with a
    /// generation prompt and each answer is the assistant turn the template writes, end-of-turn marker included.</remarks>
    public static (IReadOnlyList<TextSegment> Prompt, TextSegment Chosen, TextSegment Rejected)? RenderPair(DatasetRow row, PromptTemplate template, string? custom, ChatTemplate? chat = null)
    {
        if (row.Kind != RowKind.Preference || string.IsNullOrEmpty(row.Chosen) || string.IsNullOrEmpty(row.Rejected)) return null;
        if (!IsChatTemplate(template)) return ([.. Turns(row.Messages ?? [], template, custom, endWithPrompt: true).Select(s => s with { Trainable = false })],   // earlier answers are prompt, not scored
            Completion(row.Chosen!), Completion(row.Rejected!));
        var turns = (row.Messages ?? []).Select(m => new ChatTurn(m.Role, m.Content)).ToList();
        if (LastAnswer(chat!, [.. turns, new(ChatMessage.AssistantRole, row.Chosen!)]) is not { } chosen
            || LastAnswer(chat!, [.. turns, new(ChatMessage.AssistantRole, row.Rejected!)]) is not { } rejected) return null;
        return (chosen.Prompt, chosen.Answer, rejected.Answer);
    }

    /// <summary>A feedback row's prompt (every earlier turn, none trained) and its judged last answer, or null.</summary>
    public static (IReadOnlyList<TextSegment> Prompt, TextSegment Answer)? RenderJudged(DatasetRow row, PromptTemplate template, string? custom, ChatTemplate? chat = null)
    {
        if (row.Kind != RowKind.Feedback || row.Messages is not { Count: > 0 }) return null;
        if (IsChatTemplate(template)) return LastAnswer(chat!, row.Messages.Select(m => new ChatTurn(m.Role, m.Content)).ToList());
        var segments = Turns(row.Messages, template, custom);
        if (segments.Count < 2 || !segments[^1].Trainable) return null;
        return ([.. segments[..^1].Select(s => s with { Trainable = false })], segments[^1]);
    }

    /// <summary>The prompt for one user turn: what precedes the answer. Only the <paramref name="first"/>
    /// turn of a conversation carries alpaca's preamble.</summary>
    public static string Prompt(PromptTemplate template, string? custom, string? system, string user, string? input = null, bool first = true) => template switch
    {
        PromptTemplate.Alpaca => (!string.IsNullOrEmpty(system) ? system + "\n\n" : first ? AlpacaPreamble(input) : "") + $"### Instruction:\n{StripInput(user, input)}\n\n" +
            (string.IsNullOrEmpty(input) ? "" : $"### Input:\n{input}\n\n") + "### Response:",
        PromptTemplate.AlpacaShort => (string.IsNullOrEmpty(system) ? "" : system + "\n\n") + $"### Instruction:\n{StripInput(user, input)}\n\n" +
            (string.IsNullOrEmpty(input) ? "" : $"### Input:\n{input}\n\n") + "### Response:\n",
        PromptTemplate.Plain => (string.IsNullOrEmpty(system) ? "" : system + "\n") + user + "\n",
        PromptTemplate.Custom => custom!.Replace("{system}", system ?? "").Replace("{instruction}", StripInput(user, input)).Replace("{input}", input ?? ""),
        _ => throw new ArgumentOutOfRangeException(nameof(template), template, "a chat template (chatml, auto, llama3…) is rendered by its ChatTemplate"),
    };

    // tatsu-lab/stanford_alpaca's PROMPT_DICT: prompt_input and prompt_no_input.
    private static string AlpacaPreamble(string? input) => string.IsNullOrEmpty(input)
        ? "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n"
        : "Below is an instruction that describes a task, paired with an input that provides further context. Write a response that appropriately completes the request.\n\n";

    private static TextSegment Completion(string answer) => new(answer, true);

    // The conversation's last assistant turn as the answer; everything before it, untrained, as the prompt.
    private static (IReadOnlyList<TextSegment> Prompt, TextSegment Answer)? LastAnswer(ChatTemplate chat, List<ChatTurn> turns)
    {
        if (turns.Count == 0 || turns[^1].Role != ChatMessage.AssistantRole) return null;
        var segments = chat.Segments(turns);
        var last = segments.Count - 1;
        while (last >= 0 && !segments[last].Assistant) last--;
        if (last < 0) return null;
        var answer = string.Concat(segments.Skip(last).Select(s => s.Text));
        return (segments.Take(last).Select(s => new TextSegment(s.Text, false)).ToList(), new TextSegment(answer, true));
    }

    private static List<TextSegment> Turns(IReadOnlyList<ChatMessage> messages, PromptTemplate template, string? custom, bool endWithPrompt = false)
    {
        var segments = new List<TextSegment>();
        var system = messages.FirstOrDefault(m => m.Role == ChatMessage.SystemRole)?.Content;
        string? pendingUser = null;
        foreach (var message in messages.Where(m => m.Role != ChatMessage.SystemRole))
        {
            if (message.Role == ChatMessage.AssistantRole && pendingUser is not null)
            {
                segments.Add(new(Prompt(template, custom, segments.Count == 0 ? system : null, pendingUser, first: segments.Count == 0), false));
                segments.Add(Completion(message.Content));
                pendingUser = null;
            }
            else
            {
                pendingUser = pendingUser is null ? message.Content : pendingUser + "\n" + message.Content;
            }
        }

        if (endWithPrompt && pendingUser is not null) segments.Add(new(Prompt(template, custom, segments.Count == 0 ? system : null, pendingUser, first: segments.Count == 0), false));
        return segments;
    }

    // Every assistant turn is a completion; the template's end-of-turn marker goes with it.
    private static IReadOnlyList<TextSegment>? RenderChat(DatasetRow row, ChatTemplate chat)
    {
        List<ChatTurn>? turns = row.Kind switch
        {
            RowKind.Instruction when !string.IsNullOrEmpty(row.Output) =>
                [.. System(row.System), new(ChatMessage.UserRole, Join(row.Instruction, row.Input)), new(ChatMessage.AssistantRole, row.Output!)],
            RowKind.Conversation when row.Messages is { Count: > 0 } && row.Messages.Any(m => m.Role == ChatMessage.AssistantRole) =>
                row.Messages.Select(m => new ChatTurn(m.Role, m.Content)).ToList(),
            RowKind.Preference when !string.IsNullOrEmpty(row.Chosen) =>
                [.. (row.Messages ?? []).Select(m => new ChatTurn(m.Role, m.Content)), new(ChatMessage.AssistantRole, row.Chosen!)],
            _ => null,
        };
        return turns?.Count > 0 ? chat.Segments(turns).Select(s => new TextSegment(s.Text, s.Assistant)).ToList() : null;
    }

    private static IEnumerable<ChatTurn> System(string? system) =>
        string.IsNullOrEmpty(system) ? [] : [new ChatTurn(ChatMessage.SystemRole, system)];

    // Instruction rows keep input apart for the alpaca templates and custom, and join it for the others.
    private static string Join(string? instruction, string? input) =>
        string.IsNullOrEmpty(input) ? instruction ?? "" : $"{instruction}\n{input}";

    private static string StripInput(string user, string? input) =>
        string.IsNullOrEmpty(input) || !user.EndsWith("\n" + input, StringComparison.Ordinal) ? user : user[..^(input.Length + 1)];
}
