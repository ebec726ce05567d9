using System.Diagnostics;

namespace Workflows.Cli.Tests;

/// <summary>Runs the built `wf` in a separate process: for what must not be tried in the test host
/// (a stack overflow cannot be caught and would end the whole test run) and for process behaviour.</summary>
internal static class WfChildProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "wf.dll");

    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    public static WfCommand.Result Run(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(Dotnet)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["CI"] = "true";
        start.Environment["MLFLOW_TRACKING_URI"] = null;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"wf {string.Join(' ', args)} did not finish in {timeout.TotalSeconds:N0} s");
        }
        return new WfCommand.Result(process.ExitCode, output.Result, error.Result);
    }
}
