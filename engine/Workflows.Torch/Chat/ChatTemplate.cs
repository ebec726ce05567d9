using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workflows.Torch.Chat.Jinja;
using Workflows.Torch.Tokenization;

namespace Workflows.Torch.Chat;

/// <summary>
/// A model's chat format: a Jinja chat template (the model's own <c>chat_template</c> from
/// <c>tokenizer_config.json</c>, or a built-in one) with the model's BOS/EOS text, plus what follows
/// from it: where assistant turns start and end (for completion-only loss) and the end-of-turn
/// marker generation stops at. Rendering is deterministic: no clock reaches a template.
/// </summary>
public sealed partial class ChatTemplate
{
    /// <summary>Built-in templates for bases without a chat template of their own.</summary>
    public static readonly IReadOnlyList<string> BuiltInNames = ["llama3", "chatml", "mistral", "gemma", "phi3"];

    private readonly JinjaTemplate _template;
    private readonly string? _bosToken;
    private readonly string? _eosToken;

    private ChatTemplate(string name, string source, string? bosToken, string? eosToken, TextTokenizer tokenizer)
    {
        Name = name;
        Source = source;
        _template = JinjaTemplate.Parse(source);
        _bosToken = bosToken;
        _eosToken = eosToken;
        EndOfTurn = FindEndOfTurn();
        EndOfTurnId = tokenizer.SpecialTokenId(EndOfTurn);
        MarkersAsText = Markers().Matches(Render([new("system", "S"), new("user", "U"), new("assistant", "A")], false, tolerant: true))
            .Select(m => m.Value).Distinct().Where(m => tokenizer.SpecialTokenId(m) is null).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary><c>auto</c> (the model's own) or a built-in name.</summary>
    public string Name { get; }

    /// <summary>The Jinja text of the template (what <c>tokenizer_config.json</c>'s <c>chat_template</c> holds).</summary>
    public string Source { get; }

    /// <summary>The text that closes an assistant turn (<c>&lt;|eot_id|&gt;</c>, <c>&lt;|im_end|&gt;</c>, <c>&lt;/s&gt;</c>…).</summary>
    public string EndOfTurn { get; }

    /// <summary>The id of <see cref="EndOfTurn"/> when the tokenizer has it as one special token; else
    /// null, and generation stops on the text instead.</summary>
    public int? EndOfTurnId { get; }

    /// <summary>Turn markers of the template that the tokenizer lacks as special tokens: they are
    /// written as ordinary text (several tokens each), as Axolotl does unless tokens are added.</summary>
    public IReadOnlyList<string> MarkersAsText { get; }

    /// <summary>
    /// The template named <paramref name="name"/>: <c>auto</c> reads <c>chat_template</c> from the
    /// <c>tokenizer_config.json</c> beside the model; a built-in name loads that template. BOS/EOS
    /// text comes from tokenizer_config.json, else from the tokenizer's own special pieces.
    /// </summary>
    /// <exception cref="ModelLoadException">Unknown name, no chat_template for auto, or a template that does not parse.</exception>
    public static ChatTemplate Load(string name, string modelPath, TextTokenizer tokenizer)
    {
        var folder = Directory.Exists(modelPath) ? modelPath : Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        var configPath = Path.Combine(folder, "tokenizer_config.json");
        var config = File.Exists(configPath) ? JsonNode.Parse(File.ReadAllText(configPath)) as JsonObject : null;
        string source;
        if (name == "auto")
        {
            source = OwnTemplate(config?["chat_template"])
                ?? throw new ModelLoadException($"{(config is null ? folder + ": no tokenizer_config.json" : configPath + ": no chat_template")} for template: auto; " +
                    $"pick a built-in template ({string.Join(", ", BuiltInNames)})");
        }
        else
        {
            source = BuiltInSource(name);
        }

        var bos = TokenText(config?["bos_token"]) ?? (config is null ? PieceOf(tokenizer, tokenizer.BosId) : null);
        var eos = TokenText(config?["eos_token"]) ?? PieceOf(tokenizer, tokenizer.EosIds.Count > 0 ? tokenizer.EosIds[0] : null);
        try
        {
            return new ChatTemplate(name, source, bos, eos, tokenizer);
        }
        catch (JinjaException e)
        {
            throw new ModelLoadException($"chat template '{name}'{(name == "auto" ? " (" + configPath + ")" : "")}: {e.Message}", e);
        }
    }

    /// <summary>The Jinja text of the built-in template <paramref name="name"/>.</summary>
    /// <exception cref="ModelLoadException">Not a built-in name.</exception>
    public static string BuiltInSource(string name)
    {
        if (!BuiltInNames.Contains(name)) throw new ModelLoadException($"unknown chat template '{name}'; use auto or one of {string.Join(", ", BuiltInNames)}");
        using var stream = typeof(ChatTemplate).Assembly.GetManifestResourceStream($"Workflows.Torch.Chat.Templates.{name}.jinja")!;
        return new StreamReader(stream).ReadToEnd();
    }

    /// <summary>The conversation as the template writes it; with <paramref name="addGenerationPrompt"/>
    /// it ends with the opening of an assistant turn.</summary>
    /// <exception cref="JinjaException">The template refused the conversation (e.g. roles must alternate).</exception>
    public string Render(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt) => Render(messages, addGenerationPrompt, tolerant: false);

    private string Render(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt, bool tolerant)
    {
        var context = new JsonObject
        {
            ["messages"] = new JsonArray(messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content }).ToArray()),
            ["add_generation_prompt"] = addGenerationPrompt,
            ["date_string"] = "26 Jul 2024",                            // Llama 3.x's default, instead of today's date
        };
        if (_bosToken is not null) context["bos_token"] = _bosToken;
        if (_eosToken is not null) context["eos_token"] = _eosToken;
        try
        {
            return _template.Render(JsonSerializer.SerializeToElement(context));
        }
        catch (JinjaException) when (tolerant)
        {
            return "";
        }
    }

    private static string? OwnTemplate(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonArray named => named.OfType<JsonObject>().FirstOrDefault(t => (string?)t["name"] == "default")?["template"]?.GetValue<string>(),
        _ => null,
    };

    private static string? TokenText(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonObject token => (string?)token["content"],
        _ => null,
    };

    private static string? PieceOf(TextTokenizer tokenizer, int? id) =>
        id is null ? null : tokenizer.SpecialTokens.Where(p => p.Value == id).Select(p => p.Key).FirstOrDefault();

    [GeneratedRegex(@"<\|[a-z_]+\|>|<(?:start|end)_of_turn>|\[/?INST\]")]
    private static partial Regex Markers();
}
