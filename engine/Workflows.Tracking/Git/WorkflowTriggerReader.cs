using Workflows.Engine.Diagnostics;
using Workflows.Engine.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Workflows.Tracking.Git;

/// <summary>Reads just the <c>on.push</c> block of workflow files, for <c>wf trigger</c>: matching a commit
/// must not depend on the rest of a workflow being valid (the run that follows reports that, with every
/// problem at once). Same rules as the engine's parser: <c>on</c> must be a mapping, and only
/// <c>on: { push: { branches: [...], paths: [...] } }</c> (a mapping under <c>push</c>) is a trigger.</summary>
public static class WorkflowTriggerReader
{
    /// <summary>Every <c>*.yaml</c>/<c>*.yml</c> under <paramref name="directory"/> that has an
    /// <c>on.push</c> trigger; problems are listed as <c>file:line:col message</c>.</summary>
    public static (IReadOnlyList<WorkflowTrigger> Triggers, IReadOnlyList<string> Errors) ReadDirectory(string directory)
    {
        var triggers = new List<WorkflowTrigger>();
        var errors = new List<string>();
        if (!Directory.Exists(directory))
        {
            errors.Add($"{directory}: no such folder");
            return (triggers, errors);
        }

        var files = Directory.EnumerateFiles(directory, "*.*", SearchOption.AllDirectories)
            .Where(file => file.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var (trigger, error) = ReadFile(file);
            if (error is not null)
            {
                errors.Add(error);
            }
            else if (trigger is not null)
            {
                triggers.Add(trigger);
            }
        }

        return (triggers, errors);
    }

    /// <summary>The file's trigger, null when it has none, or an error line.</summary>
    public static (WorkflowTrigger? Trigger, string? Error) ReadFile(string file)
    {
        // The engine's reader first: it stops at a bounded depth, where YamlStream's recursive loader
        // would overflow the stack on a hostile file and take the post-commit hook down with it.
        var text = File.ReadAllText(file);
        var diagnostics = new DiagnosticList();
        if (YamlTreeReader.Read(text, file, diagnostics) is null
            && diagnostics.Items.FirstOrDefault(d => d.Message != "the file is empty") is { } problem)
        {
            return (null, problem.ToString());
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException parseError)
        {
            return (null, $"{file}:{parseError.Start.Line}:{parseError.Start.Column} {parseError.Message}");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root
            || !root.Children.TryGetValue(new YamlScalarNode("on"), out var on))
        {
            return (null, null);
        }

        if (on is not YamlMappingNode events)
        {
            return (null, $"{file}:{on.Start.Line}:{on.Start.Column} 'on' must be a mapping, e.g. on: {{ push: {{ branches: [main], paths: [data/**] }} }}");
        }

        if (!events.Children.TryGetValue(new YamlScalarNode("push"), out var push) || push is not YamlMappingNode settings)
        {
            return (null, null);
        }

        var branches = List(file, settings, "branches", out var branchError);
        var paths = List(file, settings, "paths", out var pathError);
        var listError = branchError ?? pathError;
        return listError is not null ? (null, listError) : (new WorkflowTrigger(file, branches, paths), null);
    }

    private static List<string> List(string file, YamlMappingNode settings, string key, out string? error)
    {
        error = null;
        if (!settings.Children.TryGetValue(new YamlScalarNode(key), out var node))
        {
            return [];
        }

        switch (node)
        {
            case YamlScalarNode { Value: { Length: > 0 } single }:
                return [single];
            case YamlSequenceNode items when items.Children.All(item => item is YamlScalarNode):
                return items.Children.Cast<YamlScalarNode>().Select(item => item.Value ?? string.Empty).ToList();
            default:
                error = $"{file}:{node.Start.Line}:{node.Start.Column} on.push.{key} must be a list of globs";
                return [];
        }
    }
}
