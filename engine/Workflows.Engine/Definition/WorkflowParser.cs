using System.Security.Cryptography;
using System.Text;
using Workflows.Engine.Diagnostics;
using Workflows.Engine.Yaml;

namespace Workflows.Engine.Definition;

/// <summary>Turns workflow YAML into a <see cref="WorkflowDefinition"/>, reporting every structural
/// problem (unknown keys, wrong shapes, unsupported api_version) instead of stopping at the first.</summary>
public static class WorkflowParser
{
    private static readonly string[] TopLevelKeys =
        ["api_version", "name", "version", "description", "on", "params", "tracking", "device", "libraries", "steps"];

    private static readonly string[] StepKeys = ["uses", "with", "needs", "timeout_minutes", "resources", "description"];

    /// <summary>Reads and parses a file. Overrides (from <c>--set params.x=v</c>) replace params.</summary>
    public static WorkflowDefinition? ParseFile(string path, DiagnosticList diagnostics, IReadOnlyDictionary<string, string>? paramOverrides = null)
    {
        if (!File.Exists(path))
        {
            diagnostics.Add(new SourceMark(path, 1, 1), null, "workflow file not found", "check the path; workflows usually live under workflows/ or examples/");
            return null;
        }
        return Parse(File.ReadAllText(path), path, diagnostics, paramOverrides);
    }

    public static WorkflowDefinition? Parse(string text, string file, DiagnosticList diagnostics, IReadOnlyDictionary<string, string>? paramOverrides = null)
    {
        var root = YamlTreeReader.Read(text, file, diagnostics);
        if (root is null) return null;
        if (root is not YamlMapping top)
        {
            diagnostics.Add(root.Mark, null, "a workflow must be a mapping", "start with 'api_version: workflows/v1'");
            return null;
        }
        var reader = new NodeReader(diagnostics, null);
        reader.CheckKeys(top, TopLevelKeys, "top-level key");

        var api = reader.String(top, "api_version", required: true);
        if (api is not null && api != WorkflowDefinition.SupportedApiVersion)
            diagnostics.Add(top.Get("api_version")!.Mark, null, $"unsupported api_version '{api}'", $"this wf reads '{WorkflowDefinition.SupportedApiVersion}'");
        var name = reader.String(top, "name", required: true) ?? "workflow";
        var device = reader.String(top, "device") ?? "auto";
        if (!DeviceNames.IsValid(device))
            diagnostics.Add(top.Get("device")!.Mark, null, $"unknown device '{device}'", "use auto, cpu, cuda or cuda:N");
        var tracking = top.Get("tracking") as YamlMapping;
        if (tracking is not null) reader.CheckKeys(tracking, ["experiment", "enabled", "upload_max_mb", "model_aliases"], "tracking key");

        return new WorkflowDefinition
        {
            SourcePath = file,
            ContentHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))),
            Name = name,
            Version = reader.Int(top, "version") ?? 1,
            Description = reader.String(top, "description"),
            OnPush = ReadTrigger(top.Get("on"), reader, diagnostics),
            Params = ReadParams(top.Get("params"), paramOverrides, diagnostics),
            Experiment = (tracking is null ? null : reader.String(tracking, "experiment")) ?? name,
            TrackingEnabled = (tracking is null ? null : reader.Bool(tracking, "enabled")) ?? true,
            TrackingUploadMaxMb = (tracking is null ? null : reader.Double(tracking, "upload_max_mb")) ?? WorkflowDefinition.DefaultUploadMaxMb,
            ModelAliases = tracking is null ? [] : reader.StringList(tracking.Get("model_aliases")),
            Device = device,
            Libraries = reader.StringList(top.Get("libraries")),
            LibrariesMark = top.Get("libraries")?.Mark,
            Steps = ReadSteps(top.Get("steps"), top.Mark, diagnostics),
        };
    }

    private static IReadOnlyList<StepDefinition> ReadSteps(YamlNode? node, SourceMark topMark, DiagnosticList diagnostics)
    {
        if (node is not YamlMapping steps || steps.Entries.Count == 0)
        {
            diagnostics.Add(node?.Mark ?? topMark, null, "the workflow has no steps", "add a 'steps:' mapping of step name → { uses: …, with: … }");
            return [];
        }
        var result = new List<StepDefinition>();
        foreach (var (key, value) in steps.Entries)
        {
            var reader = new NodeReader(diagnostics, key.Value);
            if (value is not YamlMapping body)
            {
                diagnostics.Add(value.Mark, key.Value, "a step must be a mapping", "write '{ uses: <step type>, with: { … } }'");
                continue;
            }
            reader.CheckKeys(body, StepKeys, "step key");
            var with = body.Get("with");
            if (with is not null and not YamlMapping && !(with is YamlScalar { IsNull: true }))
                diagnostics.Add(with.Mark, key.Value, "'with' must be a mapping of options", "write 'with: { option: value }'");
            result.Add(new StepDefinition
            {
                Name = key.Value,
                Mark = key.Mark,
                Uses = reader.String(body, "uses", required: true) ?? "",
                UsesMark = body.Get("uses")?.Mark ?? key.Mark,
                With = with as YamlMapping,
                Needs = ReadNeeds(body.Get("needs"), reader),
                TimeoutMinutes = reader.Double(body, "timeout_minutes"),
                Resources = ResourcesReader.Read(body.Get("resources"), key.Value, diagnostics),
            });
        }
        return result;
    }

    private static IReadOnlyList<(string, SourceMark)> ReadNeeds(YamlNode? node, NodeReader reader) => node switch
    {
        null => [],
        YamlScalar s => [(s.Value, s.Mark)],
        YamlSequence seq => seq.Items.OfType<YamlScalar>().Select(s => (s.Value, s.Mark)).ToList(),
        _ => reader.Fail<(string, SourceMark)>(node, "'needs' must be a step name or a list of step names"),
    };

    private static PushTrigger? ReadTrigger(YamlNode? node, NodeReader reader, DiagnosticList diagnostics)
    {
        if (node is null) return null;
        if (node is not YamlMapping on)
        {
            diagnostics.Add(node.Mark, null, "'on' must be a mapping", "write 'on: { push: { branches: [main], paths: [data/**] } }'");
            return null;
        }
        reader.CheckKeys(on, ["push"], "trigger");
        if (on.Get("push") is not YamlMapping push) return null;
        reader.CheckKeys(push, ["branches", "paths"], "push trigger key");
        return new PushTrigger(reader.StringList(push.Get("branches")), reader.StringList(push.Get("paths")));
    }

    private static IReadOnlyDictionary<string, YamlNode> ReadParams(YamlNode? node, IReadOnlyDictionary<string, string>? overrides, DiagnosticList diagnostics)
    {
        var result = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        if (node is YamlMapping map)
            foreach (var (key, value) in map.Entries) result[key.Value] = value;
        else if (node is not null and not YamlScalar { IsNull: true })
            diagnostics.Add(node.Mark, null, "'params' must be a mapping", "write 'params: { name: value }'");

        var position = 0;
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            var mark = new SourceMark("--set", 1, ++position);
            if (!result.ContainsKey(key))
            {
                diagnostics.Add(mark, null, $"unknown param '{key}'", result.Count == 0 ? "the workflow declares no params" : Suggestions.Hint(key, result.Keys));
                continue;
            }
            result[key] = new YamlScalar(mark, value, IsPlain: true);
        }
        return result;
    }
}
