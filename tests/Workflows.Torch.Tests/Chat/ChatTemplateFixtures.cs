using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Torch.Chat.Jinja;

namespace Workflows.Torch.Tests.Chat;

/// <summary>The conversations and @huggingface/jinja renderings of Fixtures/chat (written by
/// tests/reference-js/render-chat-templates.mjs), and the same renderings by this engine.</summary>
internal static class ChatTemplateFixtures
{
    public sealed record Expected(string Template, string Conversation, string? Output, string? Error);

    private static readonly Dictionary<string, (string? Bos, string Eos)> Tokens = new()
    {
        ["llama"] = ("<|begin_of_text|>", "<|eot_id|>"), ["qwen"] = (null, "<|im_end|>"), ["gemma"] = ("<bos>", "<eos>"),
        ["phi"] = ("<s>", "<|endoftext|>"), ["mistral"] = ("<s>", "</s>"),
    };

    public static string Families => Path.Combine(SharedAssets.Shared, "tokenizers", "families");

    public static string BuiltIn => Path.Combine(SharedAssets.Root, "engine", "Workflows.Torch", "Chat", "Templates");

    public static IReadOnlyList<Expected> Load(string path) =>
        JsonSerializer.Deserialize<List<JsonObject>>(File.ReadAllText(path))!
            .Select(r => new Expected((string)r["template"]!, (string)r["conversation"]!, (string?)r["output"], (string?)r["error"])).ToList();

    public static string ExpectedPath => SharedAssets.Fixture(Path.Combine("chat", "expected.json"));

    /// <summary>This engine's rendering of the named template on the named conversation, or its error.</summary>
    public static (string? Output, string? Error) Render(string template, string conversation)
    {
        var (source, family) = Source(template);
        var conversations = JsonNode.Parse(File.ReadAllText(SharedAssets.Fixture(Path.Combine("chat", "conversations.json"))))!.AsArray();
        var c = conversations.Single(x => (string)x!["name"]! == conversation)!;
        var context = new JsonObject { ["messages"] = c["messages"]!.DeepClone(), ["add_generation_prompt"] = c["add_generation_prompt"]!.DeepClone(), ["date_string"] = "26 Jul 2024" };
        if (c["extra"] is JsonObject extra) foreach (var (k, v) in extra) context[k] = v!.DeepClone();
        if (c["tools"] is { } tools) context["tools"] = tools.DeepClone();
        var (bos, eos) = Tokens[family];
        if (bos is not null) context["bos_token"] = bos;
        context["eos_token"] = eos;
        try
        {
            return (JinjaTemplate.Parse(source).Render(JsonSerializer.SerializeToElement(context)), null);
        }
        catch (JinjaException e) when (e.RaisedByTemplate)
        {
            return (null, e.Message);
        }
    }

    private static (string Source, string Family) Source(string template)
    {
        if (template.StartsWith("builtin:", StringComparison.Ordinal))
        {
            var name = template["builtin:".Length..];
            var family = name switch { "llama3" => "llama", "chatml" => "qwen", "gemma" => "gemma", "phi3" => "phi", _ => "mistral" };
            return (File.ReadAllText(Path.Combine(BuiltIn, name + ".jinja")), family);
        }

        var path = Path.Combine(Families, template);
        var source = path.EndsWith(".json", StringComparison.Ordinal)
            ? (string)JsonNode.Parse(File.ReadAllText(path))!["chat_template"]!
            : File.ReadAllText(path);
        var lower = template.ToLowerInvariant();
        var kind = lower.Contains("llama-3") ? "llama" : lower.Contains("qwen") ? "qwen" : lower.Contains("gemma") ? "gemma" : lower.Contains("phi") ? "phi" : "mistral";
        return (source, kind);
    }
}
