using System.Diagnostics;

namespace Workflows.Cli.Tests;

/// <summary>Runs the built `wf` in a child process of its own, as a second terminal would: nothing
/// (hash seeds, caches, loaded models, libtorch state) is shared with the test process or another run.</summary>
internal static class WfRun
{
    /// <summary>The CLI the test project was built with (copied beside the tests by the project reference).</summary>
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "wf.dll");

    /// <summary>Starts `wf ARGS` in <paramref name="workingDirectory"/> with plain output captured.</summary>
    public static Process Start(string workingDirectory, params string[] args) => Start(workingDirectory, new Dictionary<string, string>(), args);

    /// <summary>Starts `wf ARGS` with extra environment variables.</summary>
    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["CI"] = "true";                         // plain log lines, no live view
        info.Environment.Remove("MLFLOW_TRACKING_URI");          // the embedded file store in the project
        foreach (var (key, value) in environment) info.Environment[key] = value;
        return Process.Start(info)!;
    }

    /// <summary>Runs `wf ARGS` to the end; fails the test when it does not finish within <paramref name="timeout"/>.</summary>
    public static WfCommand.Result Run(string workingDirectory, TimeSpan timeout, params string[] args) =>
        Run(workingDirectory, new Dictionary<string, string>(), timeout, args);

    /// <summary>Runs `wf ARGS` to the end with extra environment variables.</summary>
    public static WfCommand.Result Run(string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] args)
    {
        using var process = Start(workingDirectory, environment, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"wf {string.Join(' ', args)} did not finish within {timeout.TotalSeconds} s");
        }

        return new WfCommand.Result(process.ExitCode, output.Result, error.Result);
    }
}
