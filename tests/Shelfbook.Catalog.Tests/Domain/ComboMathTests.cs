using Shelfbook.Catalog.Domain;

namespace Shelfbook.Catalog.Tests.Domain;

public sealed class ComboMathTests
{
    [Theory]
    [InlineData(10000, new long[] { 5900, 3800 }, new long[] { 6082, 3918 })]
    [InlineData(100, new long[] { 1, 1, 1 }, new long[] { 34, 33, 33 })]
    [InlineData(100, new long[] { 0, 0 }, new long[] { 50, 50 })]
    [InlineData(-100, new long[] { 1, 1, 1 }, new long[] { -34, -33, -33 })]
    [InlineData(0, new long[] { 3, 7 }, new long[] { 0, 0 })]
    [InlineData(1, new long[] { 0, 5 }, new long[] { 0, 1 })]
    public void A_split_adds_up_to_the_amount_to_the_fen(long total, long[] weights, long[] expected)
    {
        var parts = Apportion.Split(total, weights);

        Assert.Equal(expected, parts);
        Assert.Equal(total, parts.Sum());
    }

    [Fact]
    public void A_split_of_large_amounts_and_weights_does_not_overflow_and_each_part_is_within_a_fen_of_its_share()
    {
        var random = new Random(7);
        for (var round = 0; round < 2_000; round++)
        {
            var weights = Enumerable.Range(0, 1 + random.Next(6)).Select(_ => round % 2 == 0 ? random.NextInt64(0, long.MaxValue / 4) : random.Next(0, 50)).ToArray();
            var total = random.NextInt64(-1_000_000_000_000, 1_000_000_000_000);

            var parts = Apportion.Split(total, weights);

            Assert.Equal(total, parts.Sum());
            var sum = weights.Sum(w => (decimal)w);
            for (var i = 0; i < weights.Length; i++)
            {
                var share = sum == 0 ? (decimal)total / weights.Length : total * (weights[i] / sum);
                Assert.True(Math.Abs(parts[i] - share) < 1.000001m, $"part {i} = {parts[i]}, share {share}");
            }
        }
    }

    [Fact]
    public void Availability_is_the_minimum_over_flattened_components_and_a_shared_part_counts_once_per_use()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid(), x = Guid.NewGuid(), y = Guid.NewGuid();
        // A = B + X, B = 3 X + 2 Y: one A takes 4 X and 2 Y.
        var graph = new ComboGraph(new Dictionary<Guid, IReadOnlyList<(Guid, int)>>
        {
            [a] = [(b, 1), (x, 1)],
            [b] = [(x, 3), (y, 2)],
        });
        var stock = new Dictionary<Guid, long> { [x] = 13, [y] = 100 };

        Assert.Equal([(x, 4L), (y, 2L)], graph.Flatten(a));
        Assert.Equal(3, graph.Available(a, id => stock.GetValueOrDefault(id)));
        Assert.Equal(4, graph.Available(b, id => stock.GetValueOrDefault(id)));
        Assert.True(graph.Reaches(a, y));
        Assert.Equal(2, graph.Depth(a));
    }

    [Fact]
    public void A_cycle_in_stored_data_is_reported_not_followed_forever()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();
        var graph = new ComboGraph(new Dictionary<Guid, IReadOnlyList<(Guid, int)>> { [a] = [(b, 1)], [b] = [(a, 1)] });

        var error = Assert.Throws<Shelfbook.Kernel.RuleViolatedException>(() => graph.Flatten(a));
        Assert.Equal("catalog.combo_cycle", error.Code);
    }
}
