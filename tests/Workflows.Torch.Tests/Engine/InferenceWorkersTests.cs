using System.Collections.Concurrent;
using NUnit.Framework;
using Workflows.Torch.Engine;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Engine;

public class InferenceWorkersTests
{
    [Test]
    public void Run_ThreeWorkers_EveryItemOnceOnSeveralThreadsEachAtTheEnginesThreadCount()
    {
        var seen = new ConcurrentBag<(int Item, int Thread, int TorchThreads, bool Grad)>();
        InferenceWorkers.Run(60, 3, item =>
        {
            Thread.Sleep(2);
            seen.Add((item, Environment.CurrentManagedThreadId, get_num_threads(), is_grad_enabled()));
        }, CancellationToken.None);

        Assert.That(seen.Select(s => s.Item).Order(), Is.EqualTo(Enumerable.Range(0, 60)));
        Assert.That(seen.Select(s => s.Thread).Distinct().Count(), Is.EqualTo(3));
        Assert.That(seen.Select(s => s.TorchThreads), Has.All.EqualTo(DeviceEngine.IntraOpThreads));
        Assert.That(seen.Select(s => s.Grad), Has.All.False, "inference runs under no_grad");
    }

    [Test]
    public void Run_CallerAtTwoTorchThreads_GetsItsCountBack()
    {
        var before = get_num_threads();
        try
        {
            set_num_threads(2);
            var inside = new ConcurrentBag<int>();
            InferenceWorkers.Run(4, 2, _ => inside.Add(get_num_threads()), CancellationToken.None);
            Assert.That(inside, Has.All.EqualTo(DeviceEngine.IntraOpThreads), "every item at the same count, the caller's included");
            Assert.That(get_num_threads(), Is.EqualTo(2));
        }
        finally
        {
            set_num_threads(before);
        }
    }

    [Test]
    public void Run_AnItemThrows_TheExceptionReachesTheCallerAndLaterItemsAreNotTaken()
    {
        var taken = 0;
        var error = Assert.Throws<InvalidDataException>(() => InferenceWorkers.Run(1000, 2, item =>
        {
            Interlocked.Increment(ref taken);
            if (item == 3) throw new InvalidDataException("item 3 is broken");
            Thread.Sleep(1);
        }, CancellationToken.None));
        Assert.That(error!.Message, Is.EqualTo("item 3 is broken"));
        Assert.That(taken, Is.LessThan(100));
    }

    [Test]
    public void Run_Cancelled_ThrowsOperationCanceled()
    {
        using var cancel = new CancellationTokenSource();
        Assert.That(() => InferenceWorkers.Run(100, 2, item => { if (item == 5) cancel.Cancel(); }, cancel.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void For_VariableSetUnsetOrInvalid_CountOrAnErrorNamingIt()
    {
        var before = Environment.GetEnvironmentVariable(InferenceWorkers.Variable);
        try
        {
            Environment.SetEnvironmentVariable(InferenceWorkers.Variable, "3");
            Assert.That(InferenceWorkers.For(CPU), Is.EqualTo(3));
            Assert.That(InferenceWorkers.For(new Device(TorchSharp.DeviceType.CUDA)), Is.EqualTo(1), "one worker drives an accelerator");
            Environment.SetEnvironmentVariable(InferenceWorkers.Variable, null);
            Assert.That(InferenceWorkers.For(CPU), Is.EqualTo(Math.Clamp(Environment.ProcessorCount, 1, InferenceWorkers.DefaultMost)));
            Environment.SetEnvironmentVariable(InferenceWorkers.Variable, "two");
            Assert.That(() => InferenceWorkers.For(CPU), Throws.InvalidOperationException.With.Message.Contains("WF_CPU_WORKERS='two'"));
            Environment.SetEnvironmentVariable(InferenceWorkers.Variable, "0");
            Assert.That(() => InferenceWorkers.For(CPU), Throws.InvalidOperationException);
        }
        finally
        {
            Environment.SetEnvironmentVariable(InferenceWorkers.Variable, before);
        }
    }
}
