using Shelfbook.Data.Audit;
using Shelfbook.Kernel;

namespace Shelfbook.Catalog.Domain;

public sealed record CategoryInput(string? Name, Guid? ParentId = null, int? Sort = null);

/// <summary>A product category (货品分类) in a tree; names are unique among siblings.</summary>
[Audited(AuditCategory.Product, "category")]
public sealed class Category
{
    public const int NameMax = 50;

    /// <summary>Deep enough for 服装 › 女装 › 上衣 › T恤 › 短袖; deeper trees are a sign of attributes kept as categories.</summary>
    public const int MaxDepth = 5;

    private Category() { }

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid? ParentId { get; private set; }
    public string Name { get; private set; } = "";
    public int Sort { get; private set; }

    /// <summary>A new category under <paramref name="tree"/>'s node <see cref="CategoryInput.ParentId"/> (or at the top).</summary>
    public static Category Create(CategoryInput input, CategoryTree tree)
    {
        var category = new Category();
        category.Apply(input, tree);
        return category;
    }

    public void Update(CategoryInput input, CategoryTree tree) => Apply(input, tree);

    private void Apply(CategoryInput input, CategoryTree tree)
    {
        var check = new InputCheck();
        var name = check.Required("name", input.Name, NameMax);
        if (input.ParentId is { } parent)
        {
            if (!tree.Contains(parent)) check.Add("parentId", "not_found", "The parent category does not exist.");
            else if (parent == Id || tree.IsDescendant(parent, of: Id))
                check.Add("parentId", "cycle", "A category cannot be moved under itself or one of its children.");
            else if (tree.Depth(parent) + tree.Height(Id) > MaxDepth)
                check.Add("parentId", "too_deep", $"Categories nest at most {MaxDepth} levels.", MaxDepth);
        }
        if (name.Length > 0 && tree.SiblingHasName(input.ParentId, name, except: Id))
            check.Add("name", "duplicate", $"'{name}' already exists at this level.", name);
        check.ThrowIfAny();
        (Name, ParentId, Sort) = (name, input.ParentId, input.Sort ?? Sort);
    }
}

/// <summary>The whole category tree in memory (a tenant has hundreds of categories, not millions).</summary>
public sealed class CategoryTree
{
    private readonly Dictionary<Guid, (Guid? Parent, string Name)> _nodes;

    public CategoryTree(IEnumerable<(Guid Id, Guid? ParentId, string Name)> nodes) =>
        _nodes = nodes.ToDictionary(n => n.Id, n => (n.ParentId, n.Name));

    public bool Contains(Guid id) => _nodes.ContainsKey(id);

    /// <summary>1 for a top-level category.</summary>
    public int Depth(Guid id)
    {
        var depth = 0;
        for (Guid? at = id; at is { } node && _nodes.TryGetValue(node, out var n) && depth <= _nodes.Count; at = n.Parent) depth++;
        return depth;
    }

    /// <summary>Levels from this node down to its deepest descendant (1 for a leaf or a node not yet in the tree).</summary>
    public int Height(Guid id)
    {
        var children = _nodes.Where(n => n.Value.Parent == id).Select(n => n.Key).ToList();
        return 1 + (children.Count == 0 ? 0 : children.Max(Height));
    }

    public bool IsDescendant(Guid id, Guid of)
    {
        var steps = 0;
        for (Guid? at = _nodes.TryGetValue(id, out var n) ? n.Parent : null; at is { } node && steps++ <= _nodes.Count; at = _nodes.GetValueOrDefault(node).Parent)
            if (node == of) return true;
        return false;
    }

    /// <summary>The node and everything under it: what "filter by category" means.</summary>
    public IReadOnlyList<Guid> SelfAndDescendants(Guid id)
    {
        var result = new List<Guid> { id };
        for (var i = 0; i < result.Count; i++)
            result.AddRange(_nodes.Where(n => n.Value.Parent == result[i]).Select(n => n.Key));
        return result;
    }

    public bool HasChildren(Guid id) => _nodes.Values.Any(n => n.Parent == id);

    public bool SiblingHasName(Guid? parent, string name, Guid except) =>
        _nodes.Any(n => n.Key != except && n.Value.Parent == parent && string.Equals(n.Value.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>"服装 › 女装 › T恤": the path shown beside a product.</summary>
    public string PathOf(Guid id)
    {
        var names = new List<string>();
        for (Guid? at = id; at is { } node && _nodes.TryGetValue(node, out var n) && names.Count <= _nodes.Count; at = n.Parent) names.Add(n.Name);
        names.Reverse();
        return string.Join(" › ", names);
    }
}
