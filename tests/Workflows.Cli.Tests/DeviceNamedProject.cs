namespace Workflows.Cli.Tests;

/// <summary>A project whose workflow asks for <c>device: cuda</c> and whose one step reads the file named
/// after the run's device (<c>cuda.jsonl</c> or <c>cpu.jsonl</c>), so what the step did shows which device
/// the run's plan got.</summary>
internal static class DeviceNamedProject
{
    public static ProcessProject Create()
    {
        var project = ProcessProject.Create(
            "api_version: workflows/v1\nname: device\ndevice: cuda\ntracking: { enabled: false }\n" +
            "steps:\n  ingest: { uses: ingest, with: { path: \"${{ workflow.device }}.jsonl\" } }\n");
        File.WriteAllText(Path.Combine(project.Root, "cuda.jsonl"), "{\"instruction\": \"a\", \"output\": \"b\"}\n");
        File.WriteAllText(Path.Combine(project.Root, "cpu.jsonl"), "{\"instruction\": \"c\", \"output\": \"d\"}\n");
        return project;
    }
}
