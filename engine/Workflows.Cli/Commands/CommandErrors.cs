namespace Workflows.Cli.Commands;

/// <summary>How commands report failure: one line on stderr and a non-zero exit code, never a stack trace.</summary>
internal static class CommandErrors
{
    public static async Task<int> RunAsync(string command, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"{command}: cancelled");
            return 130;
        }
        catch (Exception error)
        {
            await Console.Error.WriteLineAsync($"{command}: {error.Message.Split('\n')[0].TrimEnd()}");
            return 1;
        }
    }
}
