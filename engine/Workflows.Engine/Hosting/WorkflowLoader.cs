using Workflows.Engine.Definition;
using Workflows.Engine.Diagnostics;
using Workflows.Engine.Registry;
using Workflows.Engine.Steps;
using Workflows.Engine.Storage;
using Workflows.Engine.Validation;
using Workflows.Engine.Yaml;

namespace Workflows.Engine.Hosting;

/// <summary>Load → parse → register step libraries → validate, in one call, for every command.</summary>
/// <param name="builtInLibraries">The libraries every workflow gets (the host decides; the engine names none).</param>
public sealed class WorkflowLoader(IReadOnlyList<IStepLibrary> builtInLibraries)
{
    public const string ConfigFile = "wf.config.yaml";

    /// <param name="path">The workflow file.</param>
    /// <param name="paramOverrides"><c>--set</c> values by param name.</param>
    /// <param name="text">The workflow text to use instead of the file's (a run's snapshot, on resume).</param>
    /// <param name="layout">Where the project and its state are; found from the file's location when null.</param>
    public LoadedWorkflow Load(string path, IReadOnlyDictionary<string, string>? paramOverrides = null, string? text = null, ProjectLayout? layout = null)
    {
        var diagnostics = new DiagnosticList();
        layout ??= ProjectLayout.ForWorkflow(path);
        var registry = Registry(layout.Root, diagnostics);

        if (text is null && !File.Exists(path))
        {
            diagnostics.Add(new SourceMark(path, 1, 1), null, "workflow file not found", "check the path; run wf from the project root");
            return new LoadedWorkflow(null, diagnostics.Sorted(), registry, layout, null);
        }
        text ??= File.ReadAllText(path);
        var definition = WorkflowParser.Parse(text, path, diagnostics, paramOverrides);
        if (definition is not null)
            LoadLibraries(registry, definition.Libraries.Select(l => (l, definition.LibrariesMark ?? new SourceMark(path, 1, 1))), layout, diagnostics);
        var validated = definition is null ? null : WorkflowValidator.Validate(definition, registry, layout.Root, diagnostics);
        return new LoadedWorkflow(diagnostics.HasErrors ? null : validated, diagnostics.Sorted(), registry, layout, text);
    }

    /// <summary>Built-ins plus the <c>wf.config.yaml</c> libraries: what every workflow of the project starts with (and what <c>wf schema</c> describes).</summary>
    public StepRegistry Registry(string projectRoot, DiagnosticList diagnostics)
    {
        var registry = new StepRegistry();
        foreach (var library in builtInLibraries) registry.AddLibrary(library);
        var layout = new ProjectLayout(projectRoot);
        LoadLibraries(registry, ConfiguredLibraries(layout, diagnostics), layout, diagnostics);
        return registry;
    }

    private static IEnumerable<(string, SourceMark)> ConfiguredLibraries(ProjectLayout layout, DiagnosticList diagnostics)
    {
        var path = Path.Combine(layout.Root, ConfigFile);
        if (!File.Exists(path)) return [];
        var root = YamlTreeReader.Read(File.ReadAllText(path), path, diagnostics);
        if (root is not YamlMapping map) return [];
        new NodeReader(diagnostics, null).CheckKeys(map, ["libraries", "executor"], $"{ConfigFile} key");
        return new NodeReader(diagnostics, null).StringList(map.Get("libraries")).Select(l => (l, map.Get("libraries")!.Mark));
    }

    private static void LoadLibraries(StepRegistry registry, IEnumerable<(string Path, SourceMark Mark)> libraries, ProjectLayout layout, DiagnosticList diagnostics)
    {
        foreach (var (library, mark) in libraries)
        {
            try
            {
                StepLibraryLoader.Load(registry, Path.GetFullPath(library, layout.Root));
            }
            catch (StepLibraryException e)
            {
                diagnostics.Add(mark, null, e.Message.Replace(Path.GetFullPath(library, layout.Root), library, StringComparison.Ordinal));
            }
        }
    }
}
