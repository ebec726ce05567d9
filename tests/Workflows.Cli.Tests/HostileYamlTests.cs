namespace Workflows.Cli.Tests;

/// <summary>`wf validate` on files built to break a parser: it reports them, located, and survives.</summary>
public sealed class HostileYamlTests
{
    private string _project = null!;

    [SetUp]
    public void CreateProject() => _project = Directory.CreateTempSubdirectory("wf-yaml-").FullName;

    [TearDown]
    public void RemoveProject() => Directory.Delete(_project, recursive: true);

    [Test]
    public void Validate_HundredThousandLevelsDeep_ReportsTheNestingLimitInAChildProcess()
    {
        // In a child process: were the limit broken, this would be a stack overflow, which no test host survives.
        const int depth = 100_000;
        File.WriteAllText(Path.Combine(_project, "deep.yaml"),
            "api_version: workflows/v1\nname: deep\nsteps:\n  a: { uses: ingest, with: { path: " +
            new string('[', depth) + new string(']', depth) + " } }\n");

        var result = WfProcess.Run(_project, TimeSpan.FromSeconds(60), "validate", "deep.yaml");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.Error);
        var all = result.Out + result.Error;
        Assert.That(all, Does.Contain("deep.yaml:4:").And.Contain("nested more than 64 levels deep"));
        Assert.That(all, Does.Not.Contain("   at "), "no stack trace");
    }

    [Test]
    public void Validate_TabIndentation_ReportsTheTabsLine()
    {
        File.WriteAllText(Path.Combine(_project, "tab.yaml"), "api_version: workflows/v1\nname: x\nsteps:\n  a:\n\tuses: ingest\n");

        var result = WfCommand.Run(_project, "validate", "tab.yaml");

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Out + result.Error, Does.Contain("tab.yaml:5:1 YAML syntax error: a tab used as indentation"));
    }
}
