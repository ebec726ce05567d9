using Workflows.Engine.Diagnostics;

namespace Workflows.Cli.Output;

/// <summary>Prints diagnostics one a line, the way compilers do, then a count.</summary>
internal static class DiagnosticPrinter
{
    public static void Print(IReadOnlyList<Diagnostic> diagnostics, TextWriter writer)
    {
        foreach (var diagnostic in diagnostics) writer.WriteLine(diagnostic.ToString());
        writer.WriteLine($"{diagnostics.Count} problem{(diagnostics.Count == 1 ? "" : "s")} found");
    }
}
