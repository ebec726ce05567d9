using NUnit.Framework;
using Workflows.Engine.Runs;
using Workflows.Engine.Schema;
using Workflows.Engine.Tests.Support;

namespace Workflows.Engine.Tests.Registry;

public class StepLibraryLoaderTests
{
    private static string Workflow(string library, string uses = "word_count") =>
        $"api_version: workflows/v1\nname: lib\nlibraries: ['{library}']\nsteps:\n  count: {{ uses: {uses}, with: {{ text: words.txt, top: 2 }} }}\n";

    [Test]
    public async Task Load_ExternalLibrary_StepsValidateRunAndCacheLikeBuiltIns()
    {
        using var project = new TempProject().Write(Workflow(RepositoryPaths.CustomStepLibrary));
        project.WriteFile("words.txt", "the cat and the dog and the bird");
        var loaded = project.Load();
        Assert.That(loaded.IsValid, Is.True, string.Join("\n", loaded.Diagnostics));

        var record = await project.RunAsync();
        Assert.That(record.Step("count").State, Is.EqualTo(StepState.Succeeded), record.Step("count").Error);
        Assert.That(record.Step("count").Metrics["words"], Is.EqualTo(8));
        Assert.That((await project.RunAsync()).Step("count").State, Is.EqualTo(StepState.Cached));
        Assert.That(WorkflowSchema.Generate(loaded.Registry), Does.ContainKey("steps/word_count.schema.json"));
    }

    [Test]
    public void Load_ExternalLibraryOptions_AreValidatedToo()
    {
        using var project = new TempProject().Write(Workflow(RepositoryPaths.CustomStepLibrary).Replace("top: 2", "top: 0"));
        project.WriteFile("words.txt", "x");
        Assert.That(project.Load().Diagnostics.Select(d => d.Message), Has.Some.EqualTo("top must be between 1 and 1000, got 0"));
    }

    [Test]
    public void Load_MissingLibrary_IsAValidationErrorOnTheLibrariesLine()
    {
        using var project = new TempProject().Write(Workflow("nowhere/My.Steps.dll"));
        var diagnostic = project.Load().Diagnostics.First();
        Assert.That(diagnostic.Mark.Line, Is.EqualTo(3));
        Assert.That(diagnostic.Message, Is.EqualTo("step library 'nowhere/My.Steps.dll' not found; build it first (dotnet build) or fix the path under 'libraries:'"));
    }

    [Test]
    public void Load_FileThatIsNotAnAssembly_SaysSo()
    {
        using var project = new TempProject().Write(Workflow("fake.dll"));
        project.WriteFile("fake.dll", "not a PE file");
        Assert.That(project.Load().Diagnostics.First().Message, Does.StartWith("step library 'fake.dll' is not a loadable .NET assembly"));
    }

    [Test]
    public void Load_LibraryRedefiningAStepType_NamesBothLibraries()
    {
        // The test assembly's own library defines 'echo', which the test host already registered.
        using var project = new TempProject().Write(Workflow(typeof(TestSteps).Assembly.Location, uses: "echo"));
        Assert.That(project.Load().Diagnostics.First().Message, Does.StartWith("step type 'echo' is defined twice"));
    }
}
