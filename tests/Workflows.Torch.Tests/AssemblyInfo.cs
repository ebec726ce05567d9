// Fixtures run one at a time: libtorch's random generator and thread count are process-wide, and the
// seeded tests (adapter initialisation, dropout masks, bit-exact resume) must not share them with
// another fixture drawing random numbers at the same moment.
[assembly: NUnit.Framework.Parallelizable(NUnit.Framework.ParallelScope.None)]
