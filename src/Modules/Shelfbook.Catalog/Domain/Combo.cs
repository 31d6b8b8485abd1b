using Shelfbook.Data.Audit;
using Shelfbook.Kernel;

namespace Shelfbook.Catalog.Domain;

public enum SkuKind
{
    Plain,
    Combo,
}

/// <summary>One line of a combo (组合装): <see cref="Quantity"/> units of a component SKU, which may itself be a combo.</summary>
[Audited(AuditCategory.Product, "combo_component")]
public sealed class ComboComponent(Guid comboSkuId, Guid componentSkuId, int quantity, int line)
{
    public const int MaxQuantity = 9999;

    public Guid ComboSkuId { get; private set; } = comboSkuId;
    public Guid ComponentSkuId { get; private set; } = componentSkuId;
    public int Quantity { get; internal set; } = quantity;

    /// <summary>The position the seller gave the component (pick lists and pages show components in this order).</summary>
    public int Line { get; internal set; } = line;
}

public sealed record ComponentInput(string? Code, int Quantity);

/// <summary>
/// The combos reachable from some SKUs, as edges combo → (component, quantity), loaded a level at a time. It answers
/// the three questions about nesting: would a change close a cycle, how deep is a combo, and what does one unit of
/// a combo take from the shelf (the leaf SKUs with their multiplied, summed quantities).
/// </summary>
public sealed class ComboGraph(IReadOnlyDictionary<Guid, IReadOnlyList<(Guid Component, int Quantity)>> edges)
{
    /// <summary>A combo of combos of combos is plenty; deeper nesting is almost always a mistake.</summary>
    public const int MaxDepth = 5;

    public bool IsCombo(Guid sku) => edges.ContainsKey(sku);

    public IEnumerable<Guid> ComboIds => edges.Keys;

    public IReadOnlyList<(Guid Component, int Quantity)> ComponentsOf(Guid combo) => edges.TryGetValue(combo, out var c) ? c : [];

    /// <summary>True when <paramref name="target"/> is among the SKUs <paramref name="from"/> is made of, at any depth.</summary>
    public bool Reaches(Guid from, Guid target)
    {
        var seen = new HashSet<Guid>();
        var stack = new Stack<Guid>([from]);
        while (stack.TryPop(out var at))
            foreach (var (component, _) in ComponentsOf(at))
            {
                if (component == target) return true;
                if (seen.Add(component)) stack.Push(component);
            }
        return false;
    }

    /// <summary>Levels of combos: 1 for a combo of plain SKUs, 0 for a plain SKU.</summary>
    public int Depth(Guid sku, int guard = 0) =>
        !IsCombo(sku) || guard > MaxDepth + 1 ? 0 : 1 + ComponentsOf(sku).Max(c => Depth(c.Component, guard + 1));

    /// <summary>
    /// The plain SKUs one unit of <paramref name="sku"/> takes, in the order first met. A SKU reached by two paths
    /// adds up (A = B + X, B = 3 X takes 4 X), which is why availability is computed on this flat list rather than
    /// level by level. Throws on a cycle, which the editor refuses but old data could still hold.
    /// </summary>
    public IReadOnlyList<(Guid Sku, long Quantity)> Flatten(Guid sku)
    {
        var result = new List<(Guid Sku, long Quantity)>();
        var index = new Dictionary<Guid, int>();
        void Walk(Guid at, long multiplier, int depth)
        {
            if (depth > MaxDepth + 1) throw new RuleViolatedException("catalog.combo_cycle", "A combo contains itself.", at);
            if (!IsCombo(at))
            {
                if (index.TryGetValue(at, out var i)) result[i] = (at, result[i].Quantity + multiplier);
                else
                {
                    index[at] = result.Count;
                    result.Add((at, multiplier));
                }
                return;
            }
            foreach (var (component, quantity) in ComponentsOf(at)) Walk(component, multiplier * quantity, depth + 1);
        }
        Walk(sku, 1, 0);
        return result;
    }

    /// <summary>
    /// How many units of a combo can be sold: the minimum over its flattened components of
    /// floor(available / quantity). A combo has no stock of its own.
    /// </summary>
    public long Available(Guid combo, Func<Guid, long> availableOf) =>
        Flatten(combo).Select(c => Math.Max(0, availableOf(c.Sku)) / c.Quantity).DefaultIfEmpty(0).Min();
}

/// <summary>Splitting one amount over parts by weight so that the parts add up to the amount exactly (分 by 分).</summary>
public static class Apportion
{
    /// <summary>
    /// Largest-remainder split of <paramref name="total"/> (minor units) by <paramref name="weights"/>: each part is
    /// floor(total × weight / Σweights), and the fen left over go to the largest remainders (earlier parts first on
    /// ties). All-zero weights split evenly. Negative totals (refunds) split like positive ones.
    /// </summary>
    public static long[] Split(long total, IReadOnlyList<long> weights)
    {
        var count = weights.Count;
        if (count == 0) return [];
        Int128 sum = 0;
        for (var i = 0; i < count; i++)
        {
            if (weights[i] < 0) throw new ArgumentOutOfRangeException(nameof(weights), "Weights must not be negative.");
            sum += weights[i];
        }
        if (count == 1) return [total];
        var even = sum == 0;
        if (even) sum = count;
        // Integer arithmetic throughout (a line is split on every order): quotient and remainder of amount × weight / Σ.
        var sign = Math.Sign(total);
        var amount = Int128.Abs(total);
        var parts = new long[count];
        Span<Int128> remainders = count <= 32 ? stackalloc Int128[count] : new Int128[count];
        long given = 0;
        for (var i = 0; i < count; i++)
        {
            var (quotient, remainder) = Int128.DivRem(amount * (even ? 1 : weights[i]), sum);
            parts[i] = (long)quotient;
            remainders[i] = remainder;
            given += parts[i];
        }
        // The fen left over (fewer than the parts) go one each to the largest remainders, earlier parts first on ties.
        for (var left = (long)amount - given; left > 0; left--)
        {
            var best = -1;
            for (var i = 0; i < count; i++)
                if (remainders[i] >= 0 && (best < 0 || remainders[i] > remainders[best])) best = i;
            parts[best]++;
            remainders[best] = -1;
        }
        if (sign < 0)
            for (var i = 0; i < count; i++) parts[i] = -parts[i];
        return parts;
    }
}
