using Workflows.Torch.Tokenization;

namespace Workflows.Torch.Generation;

/// <summary>
/// One prompt being continued: its tokens so far, its sampler and the stopping rules, the same for
/// one prompt alone (<see cref="TextGenerator"/>) and for a row of a batch (<see cref="BatchGenerator"/>),
/// so a batched row stops exactly where the prompt alone would.
/// </summary>
internal sealed class GenerationRow
{
    private readonly TextTokenizer _tokenizer;
    private readonly GenerationOptions _options;
    private readonly int _capacity;
    private readonly string _promptText;
    private readonly List<int> _generated = [];
    private readonly string[] _stops;
    private readonly StopStringWindow? _window;                                 // null: no stop strings to watch
    private string? _completion = string.Empty;                                 // null: not decoded since the last token

    public GenerationRow(string prompt, IReadOnlyList<int> promptTokens, TextTokenizer tokenizer, GenerationOptions options, int capacity)
    {
        Prompt = prompt;
        PromptTokens = promptTokens;
        _tokenizer = tokenizer;
        _options = options;
        _capacity = capacity;
        Sampler = new TokenSampler(options);
        Tokens = [.. promptTokens];
        _promptText = tokenizer.Decode(promptTokens);
        _stops = [.. options.StopStrings.Where(s => s.Length > 0)];
        _window = _stops.Length > 0 ? new StopStringWindow(tokenizer, _stops, promptTokens) : null;
    }

    /// <summary>Tokenises <paramref name="prompt"/> and checks it fits: <paramref name="name"/> names it in the error
    /// ("the prompt", "prompt 3").</summary>
    /// <exception cref="ArgumentException">The prompt is empty without a BOS token, or fills the model's context.</exception>
    public static GenerationRow Create(string prompt, string name, TextTokenizer tokenizer, GenerationOptions options, int capacity)
    {
        var ids = tokenizer.Encode(prompt, options.AddBos);
        if (ids.Count == 0) throw new ArgumentException($"{name} is empty and no BOS token is configured; give a prompt");
        if (ids.Count >= capacity) throw new ArgumentException($"{name} has {ids.Count} tokens; the model's context is {capacity}");
        return new GenerationRow(prompt, ids, tokenizer, options, capacity);
    }

    public string Prompt { get; }

    public IReadOnlyList<int> PromptTokens { get; }

    public TokenSampler Sampler { get; }

    /// <summary>Prompt and generated tokens.</summary>
    public List<int> Tokens { get; }

    /// <summary>Why the row has ended; null while it goes on.</summary>
    public StopReason? Stopped { get; private set; }

    /// <summary>Ends the row before the next forward when it is full (token limit or context).</summary>
    public bool CheckRoom()
    {
        if (Stopped is not null) return false;
        if (_generated.Count >= _options.MaxTokens) Stopped = StopReason.MaxTokens;
        else if (Tokens.Count >= _capacity) Stopped = StopReason.ContextFull;
        return Stopped is null;
    }

    /// <summary>Takes the next token, or ends the row at an end-of-sequence id or a stop string.</summary>
    public void Accept(int next)
    {
        if (_tokenizer.EosIds.Contains(next) || _options.StopTokenIds.Contains(next) || next == _tokenizer.BosId)
        {
            Stopped = StopReason.EndOfSequence;
            return;
        }

        Tokens.Add(next);
        _generated.Add(next);
        _completion = null;
        if (_window?.MayStop(Tokens) is not true) return;                       // none watched, or none can have just appeared: decode once, in Result
        _completion = Completion();
        var stop = _stops.Select(s => _completion.IndexOf(s, StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(-1).Min();
        if (stop >= 0)
        {
            _completion = _completion[..stop];
            Stopped = StopReason.StopString;
        }
    }

    public GenerationResult Result() => new(Prompt, _completion ??= Completion(), PromptTokens, _generated, Stopped ?? StopReason.MaxTokens);

    private string Completion() => TextGenerator.Completion(_tokenizer.Decode(Tokens), _promptText);
}
