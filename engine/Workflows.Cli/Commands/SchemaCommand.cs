using System.CommandLine;
using Workflows.Cli.Output;
using Workflows.Engine.Diagnostics;
using Workflows.Engine.Schema;

namespace Workflows.Cli.Commands;

/// <summary><c>wf schema</c>: the workflow JSON Schema on stdout, or every schema file with --out.</summary>
internal static class SchemaCommand
{
    public static Command Create()
    {
        var output = new Option<string?>("--out") { Description = "Write workflow.schema.json and steps/*.schema.json into this folder" };
        var command = new Command("schema", "Generate JSON Schemas for editors from the step options records") { output };
        command.SetAction(result =>
        {
            var diagnostics = new DiagnosticList();
            var registry = WorkflowHost.Loader().Registry(Directory.GetCurrentDirectory(), diagnostics);
            if (diagnostics.HasErrors)
            {
                DiagnosticPrinter.Print(diagnostics.Sorted(), Console.Error);
                return 1;
            }
            var files = WorkflowSchema.Generate(registry);
            if (result.GetValue(output) is not { } folder)
            {
                Console.Write(files[WorkflowSchema.WorkflowFile]);
                return 0;
            }
            foreach (var (path, content) in files) Engine.Storage.AtomicFile.WriteAllText(Path.Combine(folder, path), content);
            Console.WriteLine($"wrote {files.Count} schema file(s) to {folder}");
            return 0;
        });
        return command;
    }
}
