using Workflows.Engine.Diagnostics;
using Workflows.Engine.Schema;
using Workflows.Engine.Storage;
using Workflows.Steps.Tests.TestSupport;

namespace Workflows.Steps.Tests.Conformance;

/// <summary>Every shipped workflow validates, points editors at the schema, and the committed schemas
/// are exactly what the options records generate.</summary>
[TestFixture]
public sealed class WorkflowFilesTests
{
    private static IEnumerable<string> WorkflowFiles() =>
        new[] { "workflows", "examples" }
            .Select(folder => Path.Combine(RepoPaths.Root, folder))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.yaml", SearchOption.AllDirectories))
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Select(path => Path.GetRelativePath(RepoPaths.Root, path))
            .Order(StringComparer.Ordinal);

    [TestCaseSource(nameof(WorkflowFiles))]
    public void Load_ShippedWorkflow_IsValid(string relativePath)
    {
        var layout = new ProjectLayout(RepoPaths.Root) { StateRoot = Path.Combine(Path.GetTempPath(), "wf-conformance") };
        var loaded = EngineRun.Loader().Load(Path.Combine(RepoPaths.Root, relativePath), layout: layout);
        Assert.That(loaded.Diagnostics.Select(d => d.ToString()), Is.Empty);
    }

    [TestCaseSource(nameof(WorkflowFiles))]
    public void Header_ShippedWorkflow_NamesTheSchemaForEditors(string relativePath)
    {
        var first = File.ReadLines(Path.Combine(RepoPaths.Root, relativePath)).First();
        var depth = relativePath.Count(c => c == Path.DirectorySeparatorChar);
        var expected = string.Concat(Enumerable.Repeat("../", depth)) + "schemas/workflow.schema.json";
        Assert.That(first, Is.EqualTo($"# yaml-language-server: $schema={expected}"));
    }

    [Test]
    public void Generate_Schemas_MatchTheCommittedFiles()
    {
        var registry = EngineRun.Loader().Registry(RepoPaths.Root, new DiagnosticList());
        var generated = WorkflowSchema.Generate(registry);
        var schemas = Path.Combine(RepoPaths.Root, "schemas");
        var committed = Directory.EnumerateFiles(schemas, "*.json", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(schemas, f).Replace('\\', '/'), File.ReadAllText);
        Assert.That(committed.Keys.Order(), Is.EqualTo(generated.Keys.Order()), "run `./wf schema --out schemas` and commit the result");
        foreach (var (path, content) in generated)
            Assert.That(committed[path], Is.EqualTo(content), $"schemas/{path} is stale: run `./wf schema --out schemas`");
    }
}
