using NUnit.Framework;

namespace Workflows.Torch.Tests;

/// <summary>Constraint-style exception checks that hand back the exception for message assertions.</summary>
internal static class Expect
{
    public static T Failure<T>(Action code)
        where T : Exception
    {
        Exception? caught = null;
        Assert.That(
            () =>
            {
                try
                {
                    code();
                }
                catch (Exception e)
                {
                    caught = e;
                    throw;
                }
            },
            Throws.TypeOf<T>());
        return (T)caught!;
    }
}
