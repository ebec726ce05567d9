using System.Text.Json.Nodes;
using Workflows.Engine.Binding;
using Workflows.Engine.Caching;
using Workflows.Engine.Definition;
using Workflows.Engine.Diagnostics;
using Workflows.Engine.Steps;
using Workflows.Engine.Storage;
using Workflows.Engine.Validation;
using Workflows.Engine.Yaml;

namespace Workflows.Engine.Planning;

/// <summary>Binds a validated step twice over the same code: once with content digests for its
/// fingerprint, once with absolute paths for running it.</summary>
public sealed class StepBinding(ValidatedWorkflow workflow, ArtifactStore store)
{
    /// <summary>The fingerprint and canonical options, or the name of an upstream step whose outputs are
    /// not known yet (then no fingerprint can be computed; see <see cref="Fingerprint"/>).</summary>
    public FingerprintResult Fingerprint(ValidatedStep step, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> knownOutputs)
    {
        string? missing = null;
        var resolver = new Resolver(workflow, (input, _) =>
        {
            if (input.Reference is { } r)
            {
                if (knownOutputs.TryGetValue(r.Step, out var outputs) && outputs.TryGetValue(r.Output, out var digest)) return "sha256:" + digest;
                missing ??= r.Step;
                return "unknown";
            }
            return "sha256:" + ContentDigest.Of(Path.GetFullPath(input.Path!, workflow.ProjectRoot));
        });
        var options = BindOrThrow(step, resolver);
        if (missing is not null) return new FingerprintResult(null, null, missing);
        var canonical = CanonicalJson.ToNode(options);
        return new FingerprintResult(Caching.Fingerprint.Compute(step.Type.Name, step.Type.Version, canonical), canonical, null);
    }

    /// <summary>The options record the step receives: every artifact input is an absolute path.</summary>
    public object ForExecution(ValidatedStep step, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> knownOutputs) =>
        BindOrThrow(step, new Resolver(workflow, (input, _) => input.Reference is { } r
            ? store.PathOf(knownOutputs[r.Step][r.Output])
            : Path.GetFullPath(input.Path!, workflow.ProjectRoot)));

    /// <summary>The options as people read them, for tracking params: an input stays as written (a path,
    /// or <c>steps.x.outputs.y</c>), with each input's content digest alongside (readable form → digest).</summary>
    public (JsonNode Options, IReadOnlyDictionary<string, string> InputDigests) ForTracking(
        ValidatedStep step, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> knownOutputs)
    {
        var digests = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var options = BindOrThrow(step, new Resolver(workflow, (input, _) =>
        {
            if (input.Reference is { } r)
            {
                var name = $"steps.{r.Step}.outputs.{r.Output}";
                if (knownOutputs.TryGetValue(r.Step, out var outputs) && outputs.TryGetValue(r.Output, out var digest)) digests[name] = "sha256:" + digest;
                return name;
            }
            digests[input.Path!] = "sha256:" + ContentDigest.Of(Path.GetFullPath(input.Path!, workflow.ProjectRoot));
            return input.Path!;
        }));
        return (CanonicalJson.ToNode(options), digests);
    }

    private static object BindOrThrow(ValidatedStep step, IReferenceResolver resolver)
    {
        var diagnostics = new DiagnosticList();
        var options = new OptionsBinder(resolver, diagnostics, step.Name).Bind(step.Type.OptionsType, step.Definition.With, step.Definition.Mark);
        if (diagnostics.HasErrors) // validation already passed, so this is an engine bug, not user error
            throw new InvalidOperationException(string.Join(Environment.NewLine, diagnostics.Items));
        return options;
    }

    private sealed class Resolver(ValidatedWorkflow workflow, Func<InputValue, ArtifactKind, string> input) : IReferenceResolver
    {
        public YamlNode? Param(string name) => workflow.Definition.Params.GetValueOrDefault(name);

        public string? WorkflowField(string field) => WorkflowFields.Value(workflow.Definition, field);

        public string? Input(InputValue value, ArtifactKind expected, Action<string, string?> report) => input(value, expected);
    }
}

/// <summary>A fingerprint, or why there is none yet.</summary>
public sealed record FingerprintResult(string? Fingerprint, JsonNode? Options, string? WaitingFor);
