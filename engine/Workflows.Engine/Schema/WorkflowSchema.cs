using System.Text.Json.Nodes;
using Workflows.Engine.Registry;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Schema;

/// <summary>Generates <c>workflow.schema.json</c> (step schemas inlined, so editors need no resolver)
/// and one <c>steps/&lt;type&gt;.schema.json</c> per step type.</summary>
public static class WorkflowSchema
{
    public const string WorkflowFile = "workflow.schema.json";

    /// <summary>Relative path → file content, deterministic for a given registry.</summary>
    public static IReadOnlyDictionary<string, string> Generate(StepRegistry registry)
    {
        var types = registry.Types.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var definitions = new JsonObject();
        var cases = new JsonArray();
        foreach (var type in types)
        {
            var options = OptionsSchema.For(type.OptionsType);
            options["title"] = $"{type.Name} options";
            if (type.Description.Length > 0) options["description"] = type.Description;
            definitions[type.Name] = options.DeepClone();
            var standalone = new JsonObject { ["$schema"] = "http://json-schema.org/draft-07/schema#", ["$id"] = $"steps/{type.Name}.schema.json" };
            foreach (var (key, value) in options) standalone[key] = value?.DeepClone();
            files[$"steps/{type.Name}.schema.json"] = Write(standalone);
            cases.Add(new JsonObject
            {
                ["if"] = new JsonObject { ["properties"] = new JsonObject { ["uses"] = new JsonObject { ["const"] = type.Name } }, ["required"] = new JsonArray("uses") },
                ["then"] = new JsonObject { ["properties"] = new JsonObject { ["with"] = new JsonObject { ["$ref"] = $"#/definitions/{type.Name}" } } },
            });
        }
        files[WorkflowFile] = Write(Workflow(types, definitions, cases));
        return files;
    }

    private static JsonObject Resources() => new()
    {
        ["type"] = "object",
        ["additionalProperties"] = false,
        ["description"] = "What the step asks a cluster scheduler for (wf run --executor slurm); ignored by local runs.",
        ["properties"] = new JsonObject
        {
            ["gpus"] = new JsonObject { ["type"] = "integer", ["minimum"] = 0, ["maximum"] = 64, ["description"] = "GPUs (--gres=gpu:N). Default: 1 for a device step when device is auto or cuda, else 0." },
            ["cpus"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = 1024, ["description"] = "CPU cores (--cpus-per-task)." },
            ["memory"] = new JsonObject { ["type"] = new JsonArray("string", "integer"), ["description"] = "Memory: 512M, 16G, 1T or MiB (--mem)." },
            ["time"] = new JsonObject { ["type"] = new JsonArray("string", "integer"), ["description"] = "Time limit: minutes, 90m, 2h, HH:MM:SS or D-HH:MM:SS (--time)." },
            ["partition"] = new JsonObject { ["type"] = "string", ["description"] = "Partition, overriding the executor's." },
        },
    };

    private static JsonObject Workflow(IReadOnlyList<StepType> types, JsonObject definitions, JsonArray cases)
    {
        var strings = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } };
        var step = new JsonObject
        {
            ["type"] = "object",
            ["additionalProperties"] = false,
            ["required"] = new JsonArray("uses"),
            ["properties"] = new JsonObject
            {
                ["uses"] = new JsonObject { ["description"] = "The step type.", ["enum"] = new JsonArray(types.Select(t => (JsonNode)t.Name!).ToArray()) },
                ["with"] = new JsonObject { ["type"] = "object", ["description"] = "The step's options." },
                ["needs"] = new JsonObject { ["description"] = "Steps that must finish first, besides those whose outputs are referenced.", ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "string" }, strings.DeepClone()) },
                ["timeout_minutes"] = new JsonObject { ["type"] = "number", ["exclusiveMinimum"] = 0, ["description"] = "Fail the step when it runs longer." },
                ["resources"] = Resources(),
                ["description"] = new JsonObject { ["type"] = "string" },
            },
            ["allOf"] = cases,
        };
        return new JsonObject
        {
            ["$schema"] = "http://json-schema.org/draft-07/schema#",
            ["$id"] = WorkflowFile,
            ["title"] = "Workflows workflow file",
            ["type"] = "object",
            ["additionalProperties"] = false,
            ["required"] = new JsonArray("api_version", "name", "steps"),
            ["properties"] = new JsonObject
            {
                ["api_version"] = new JsonObject { ["const"] = Definition.WorkflowDefinition.SupportedApiVersion },
                ["name"] = new JsonObject { ["type"] = "string", ["description"] = "Workflow name; also the default MLflow experiment." },
                ["version"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["description"] = "Bumped by the author; recorded with every run." },
                ["description"] = new JsonObject { ["type"] = "string" },
                ["on"] = new JsonObject
                {
                    ["type"] = "object", ["additionalProperties"] = false,
                    ["properties"] = new JsonObject
                    {
                        ["push"] = new JsonObject
                        {
                            ["type"] = "object", ["additionalProperties"] = false,
                            ["properties"] = new JsonObject { ["branches"] = strings.DeepClone(), ["paths"] = strings.DeepClone() },
                        },
                    },
                },
                ["params"] = new JsonObject { ["type"] = "object", ["description"] = "Values steps read with ${{ params.NAME }}; override with --set params.NAME=VALUE." },
                ["tracking"] = new JsonObject
                {
                    ["type"] = "object", ["additionalProperties"] = false,
                    ["properties"] = new JsonObject
                    {
                        ["experiment"] = new JsonObject { ["type"] = "string" },
                        ["enabled"] = new JsonObject { ["type"] = "boolean" },
                        ["upload_max_mb"] = new JsonObject { ["type"] = "number", ["exclusiveMinimum"] = 0, ["default"] = 100, ["description"] = "Step outputs up to this size are uploaded to MLflow; larger ones are logged as their manifest and store digest." },
                        ["model_aliases"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" }, ["description"] = "Registry aliases (e.g. champion) moved to each model version the run registers." },
                    },
                },
                ["device"] = new JsonObject { ["type"] = "string", ["pattern"] = "^(auto|cpu|cuda|cuda:[0-9]+)$", ["default"] = "auto" },
                ["libraries"] = strings.DeepClone(),
                ["steps"] = new JsonObject { ["type"] = "object", ["minProperties"] = 1, ["additionalProperties"] = step },
            },
            ["definitions"] = definitions,
        };
    }

    private static string Write(JsonNode node) => node.ToJsonString(EngineJson.Options) + "\n";
}
