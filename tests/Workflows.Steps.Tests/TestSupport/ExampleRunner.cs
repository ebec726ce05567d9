using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Workflows.Engine.Steps;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Workflows.Steps.Tests.TestSupport;

/// <summary>Runs a workflow file's steps in file order, the way the engine will: params and
/// <c>${{ steps.X.outputs.Y }}</c> references substituted, <c>with:</c> bound to the options record by
/// snake_case name (unknown keys are errors), each step run in its own test context.</summary>
/// <remarks>Only for the data examples, whose steps are listed in dependency order; the engine's own
/// conformance tests cover planning and validation.</remarks>
internal static partial class ExampleRunner
{
    private static readonly JsonSerializerOptions Binding = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };

    public static JsonObject Load(string path)
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(path)) yaml.Load(reader);
        return (JsonObject)ToJson(yaml.Documents[0].RootNode)!;
    }

    /// <summary>Runs every step; returns each step's context (outputs, metrics) and result.</summary>
    public static async Task<Dictionary<string, (TestStepContext Context, StepResult Result)>> RunAsync(string path)
    {
        var workflow = Load(path);
        var parameters = workflow["params"] as JsonObject ?? [];
        var catalog = StepCatalog.BuiltIn();
        var runs = new Dictionary<string, (TestStepContext, StepResult)>();
        foreach (var (name, node) in (JsonObject)workflow["steps"]!)
        {
            var (stepType, optionsType) = catalog.Steps[node!["uses"]!.GetValue<string>()];
            var with = Resolve(node["with"]!.DeepClone(), parameters, runs);
            var options = with.Deserialize(optionsType, Binding)!;
            var context = new TestStepContext();
            var step = Activator.CreateInstance(stepType)!;
            var run = (Task<StepResult>)stepType.GetMethod("RunAsync")!.Invoke(step, [options, context, CancellationToken.None])!;
            runs[name] = (context, await run);
        }
        return runs;
    }

    private static JsonNode Resolve(JsonNode node, JsonObject parameters, Dictionary<string, (TestStepContext Context, StepResult)> runs)
    {
        switch (node)
        {
            case JsonObject map:
                foreach (var key in map.Select(p => p.Key).ToList()) map[key] = Resolve(map[key]!, parameters, runs);
                return map;
            case JsonArray list:
                for (var i = 0; i < list.Count; i++) list[i] = Resolve(list[i]!, parameters, runs);
                return list;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                var whole = Reference().Match(text);
                if (whole.Success && whole.Length == text.Length && whole.Groups[1].Value == "params")
                    return parameters[whole.Groups[2].Value]!.DeepClone();
                return JsonValue.Create(Reference().Replace(text, m => m.Groups[1].Value == "params"
                    ? parameters[m.Groups[2].Value]!.ToString()
                    : runs[m.Groups[2].Value].Context.Outputs[m.Groups[3].Value]));
            default:
                return node;
        }
    }

    [GeneratedRegex(@"\$\{\{\s*(params|steps)\.([A-Za-z0-9_-]+)(?:\.outputs\.([A-Za-z0-9_-]+))?\s*\}\}")]
    private static partial Regex Reference();

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(p => KeyValuePair.Create(((YamlScalarNode)p.Key).Value!, ToJson(p.Value)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain } scalar => Plain(scalar.Value!),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new NotSupportedException(node.NodeType.ToString()),
    };

    private static JsonNode? Plain(string value) =>
        value is "null" or "~" or "" ? null
        : value is "true" or "false" ? JsonValue.Create(value == "true")
        : long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole) ? JsonValue.Create(whole)
        : double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) ? JsonValue.Create(real)
        : JsonValue.Create(value);
}
