using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workflows.Torch.Tokenization;

/// <summary>
/// Tokens added to a tokenizer's vocabulary (chat-template markers such as <c>&lt;|eot_id|&gt;</c>), kept
/// in Hugging Face's files: <c>added_tokens.json</c> beside a SentencePiece <c>tokenizer.model</c> (what
/// transformers' slow tokenizers read), the <c>added_tokens</c> of a <c>tokenizer.json</c>, and
/// <c>added_tokens_decoder</c>/<c>additional_special_tokens</c> in <c>tokenizer_config.json</c>.
/// Added tokens are special: each encodes whole to its id and never splits.
/// </summary>
public static class AddedTokens
{
    /// <summary>The file transformers' slow tokenizers read added tokens from: <c>{"text": id}</c>.</summary>
    public const string FileName = "added_tokens.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The added tokens in <paramref name="folder"/>: <c>tokenizer_config.json</c>'s <c>added_tokens_decoder</c>
    /// and <c>added_tokens.json</c>, as transformers' slow tokenizers read them beside a <c>tokenizer.model</c>; or none.</summary>
    /// <exception cref="ModelLoadException">A file does not hold token ids.</exception>
    public static IReadOnlyDictionary<string, int> Read(string folder)
    {
        var tokens = new Dictionary<string, int>(StringComparer.Ordinal);
        var config = Path.Combine(folder, "tokenizer_config.json");
        if (File.Exists(config))
        {
            Parse(config, json =>
            {
                if (json["added_tokens_decoder"] is JsonObject decoder)
                    foreach (var (id, token) in decoder) tokens[(string)token!["content"]!] = int.Parse(id, System.Globalization.CultureInfo.InvariantCulture);
            }, "added_tokens_decoder must map ids to {\"content\": …}");
        }

        foreach (var (text, id) in AddedFile(folder)) tokens[text] = id;
        return tokens;
    }

    // added_tokens.json alone: the tokens beyond a tokenizer.model's pieces.
    private static Dictionary<string, int> AddedFile(string folder)
    {
        var tokens = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = Path.Combine(folder, FileName);
        if (File.Exists(path))
            Parse(path, json => { foreach (var (text, id) in json) tokens[text] = id!.GetValue<int>(); }, "must be an object of token text to id, e.g. {\"<|eot_id|>\": 512}");
        return tokens;
    }

    private static void Parse(string path, Action<JsonObject> read, string shape)
    {
        try
        {
            read(JsonNode.Parse(File.ReadAllText(path))!.AsObject());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NullReferenceException)
        {
            throw new ModelLoadException($"{path}: {shape} ({e.Message.Split('\n')[0]})", e);
        }
    }

    /// <summary>Ids for <paramref name="texts"/> after the <paramref name="tokenizer"/>'s vocabulary, in order.</summary>
    public static IReadOnlyDictionary<string, int> Number(TextTokenizer tokenizer, IEnumerable<string> texts) =>
        texts.Where(t => tokenizer.SpecialTokenId(t) is null).Distinct().Select((t, i) => (t, i))
            .ToDictionary(p => p.t, p => tokenizer.VocabularySize + p.i, StringComparer.Ordinal);

    /// <summary>
    /// Writes <paramref name="tokenizer"/> with <paramref name="added"/> into <paramref name="folder"/> as a
    /// Hugging Face tokenizer folder: its tokenizer file (a <c>tokenizer.json</c> gains the tokens in
    /// <c>added_tokens</c>; a <c>.model</c> is copied with <c>added_tokens.json</c> beside it),
    /// <c>tokenizer_config.json</c> (the base's, else a new one) with the tokens and <paramref name="chatTemplate"/>,
    /// and <c>special_tokens_map.json</c>.
    /// </summary>
    public static void WriteTokenizerFiles(TextTokenizer tokenizer, IReadOnlyDictionary<string, int> added, string? chatTemplate, string folder)
    {
        Directory.CreateDirectory(folder);
        var source = tokenizer.Source;
        var from = Path.GetDirectoryName(Path.GetFullPath(source))!;
        var ordered = added.OrderBy(p => p.Value).ToList();
        if (source.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            var json = JsonNode.Parse(File.ReadAllText(source))!.AsObject();
            var list = json["added_tokens"] as JsonArray ?? [];
            json["added_tokens"] = list;
            foreach (var (text, id) in ordered) list.Add(Entry(text, id, withId: true));
            File.WriteAllText(Path.Combine(folder, "tokenizer.json"), json.ToJsonString(Indented) + "\n");
        }
        else
        {
            if (!source.EndsWith(".model", StringComparison.OrdinalIgnoreCase))
                throw new ModelLoadException($"{source}: tokens can be added to a tokenizer.model or tokenizer.json, not to this file; convert the tokenizer first");
            File.Copy(source, Path.Combine(folder, "tokenizer.model"), overwrite: true);
            var existing = AddedFile(from).Concat(ordered).GroupBy(p => p.Key).Select(g => g.Last()).OrderBy(p => p.Value);
            File.WriteAllText(Path.Combine(folder, FileName), new JsonObject(existing.Select(p => new KeyValuePair<string, JsonNode?>(p.Key, p.Value))).ToJsonString(Indented) + "\n");
        }

        var configPath = Path.Combine(from, "tokenizer_config.json");
        var config = File.Exists(configPath) ? JsonNode.Parse(File.ReadAllText(configPath))!.AsObject() : NewConfig(tokenizer);
        var decoder = config["added_tokens_decoder"] as JsonObject ?? [];
        config["added_tokens_decoder"] = decoder;
        foreach (var (text, id) in ordered) decoder[id.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Entry(text, id, withId: false);
        var additional = config["additional_special_tokens"] as JsonArray ?? [];
        foreach (var (text, _) in ordered) additional.Add(text);
        config["additional_special_tokens"] = additional;
        if (chatTemplate is not null) config["chat_template"] = chatTemplate;
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), config.ToJsonString(Indented) + "\n");

        var map = new JsonObject();
        foreach (var key in new[] { "bos_token", "eos_token", "unk_token", "pad_token" })
            if (config[key] is { } value) map[key] = value.DeepClone();
        map["additional_special_tokens"] = additional.DeepClone();
        File.WriteAllText(Path.Combine(folder, "special_tokens_map.json"), map.ToJsonString(Indented) + "\n");
    }

    private static JsonObject Entry(string text, int id, bool withId)
    {
        var entry = new JsonObject();
        if (withId) entry["id"] = id;
        entry["content"] = text;
        entry["single_word"] = false;
        entry["lstrip"] = false;
        entry["rstrip"] = false;
        entry["normalized"] = false;
        entry["special"] = true;
        return entry;
    }

    // A base without tokenizer_config.json (llama2.c exports): what transformers needs to load it.
    private static JsonObject NewConfig(TextTokenizer tokenizer)
    {
        string? Text(int? id) => id is { } i ? tokenizer.SpecialTokens.Where(p => p.Value == i).Select(p => p.Key).FirstOrDefault() : null;
        var sentencePiece = tokenizer.Source.EndsWith(".model", StringComparison.OrdinalIgnoreCase);
        var config = new JsonObject
        {
            ["tokenizer_class"] = sentencePiece ? "LlamaTokenizer" : "PreTrainedTokenizerFast",
            ["add_bos_token"] = tokenizer.BosId is not null,
            ["add_eos_token"] = false,
            ["clean_up_tokenization_spaces"] = false,
        };
        if (sentencePiece) config["legacy"] = true;
        if (Text(tokenizer.BosId) is { } bos) config["bos_token"] = bos;
        if (tokenizer.EosIds.Count > 0 && Text(tokenizer.EosIds[0]) is { } eos) config["eos_token"] = eos;
        return config;
    }
}
