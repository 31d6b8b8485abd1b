using System.Net;
using Shelfbook.Catalog.Features.ManageCategories;
using Shelfbook.Catalog.Features.ManageProducts;
using Shelfbook.Kernel;
using Shelfbook.TestKit;

namespace Shelfbook.Catalog.Tests.Features.ManageCategories;

public abstract class CategoryTests(ShelfbookApp app) : TenantTest(app)
{
    private const string Categories = "/api/v1/catalog/categories";

    private Task<CategoryView> AddAsync(string name, Guid? parentId = null) =>
        Session.PostAsync<CategoryView>(Categories, new { name, parentId }, HttpStatusCode.Created);

    [Fact]
    public async Task A_tree_lists_parents_before_children_with_paths_and_filters_products_under_a_branch()
    {
        var clothes = await AddAsync("服装");
        var women = await AddAsync("女装", clothes.Id);
        var tees = await AddAsync("T恤", women.Id);
        var bags = await AddAsync("箱包");
        await Session.PostAsync<ProductView>("/api/v1/catalog/products", new { name = "T恤", categoryId = tees.Id, skus = new[] { new { code = "T-1" } } }, HttpStatusCode.Created);
        await Session.PostAsync<ProductView>("/api/v1/catalog/products", new { name = "包", categoryId = bags.Id, skus = new[] { new { code = "B-1" } } }, HttpStatusCode.Created);

        var tree = await Session.GetAsync<List<CategoryView>>(Categories);
        var underClothes = await Session.GetAsync<Page<SkuRow>>($"/api/v1/catalog/skus?categoryId={clothes.Id}");

        Assert.Equal(["服装", "女装", "T恤", "箱包"], tree.Select(c => c.Name));
        Assert.Equal("服装 › 女装 › T恤", tree[2].Path);
        Assert.Equal(3, tree[2].Depth);
        Assert.Equal(1, tree[2].ProductCount);
        Assert.Equal(["T-1"], underClothes.Items.Select(s => s.Code));
    }

    [Fact]
    public async Task Cycles_depth_duplicates_and_unknown_categories_are_refused()
    {
        var top = await AddAsync("服装");
        var child = await AddAsync("女装", top.Id);
        var parent = top.Id;
        for (var i = 2; i <= 5; i++) parent = (await AddAsync($"L{i}", parent)).Id;

        var cycle = await Session.ProblemAsync(HttpMethod.Put, $"{Categories}/{top.Id}", new { name = "服装", parentId = child.Id }, HttpStatusCode.BadRequest);
        var tooDeep = await Session.ProblemAsync(HttpMethod.Post, Categories, new { name = "L6", parentId = parent }, HttpStatusCode.BadRequest);
        var twin = await Session.ProblemAsync(HttpMethod.Post, Categories, new { name = "女装", parentId = top.Id }, HttpStatusCode.BadRequest);
        var unknown = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/catalog/products",
            new { name = "x", categoryId = Guid.NewGuid(), skus = new[] { new { code = "X-1" } } }, HttpStatusCode.BadRequest);

        Assert.Equal("cycle", cycle.GetProperty("codes").GetProperty("parentId")[0].GetString());
        Assert.Equal("too_deep", tooDeep.GetProperty("codes").GetProperty("parentId")[0].GetString());
        Assert.Equal("duplicate", twin.GetProperty("codes").GetProperty("name")[0].GetString());
        Assert.Equal("not_found", unknown.GetProperty("codes").GetProperty("categoryId")[0].GetString());
    }

    [Fact]
    public async Task Only_an_empty_category_is_deleted()
    {
        var top = await AddAsync("服装");
        var child = await AddAsync("女装", top.Id);
        await Session.PostAsync<ProductView>("/api/v1/catalog/products", new { name = "裙", categoryId = child.Id, skus = new[] { new { code = "D-1" } } }, HttpStatusCode.Created);

        var hasChildren = await Session.ProblemAsync(HttpMethod.Delete, $"{Categories}/{top.Id}", null, HttpStatusCode.Conflict);
        var hasProducts = await Session.ProblemAsync(HttpMethod.Delete, $"{Categories}/{child.Id}", null, HttpStatusCode.Conflict);
        var moved = await Session.PutAsync<CategoryView>($"{Categories}/{child.Id}", new { name = "女士", parentId = (Guid?)null, sort = 2 });

        Assert.Equal("catalog.category_has_children", hasChildren.GetProperty("code").GetString());
        Assert.Equal("catalog.category_has_products", hasProducts.GetProperty("code").GetString());
        Assert.Equal(("女士", 1), (moved.Name, moved.Depth));
        using var deleted = await Session.Api.DeleteAsync(new Uri($"{Categories}/{top.Id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }
}

public sealed class CategoryTestsOnSqlite(SqliteApp app) : CategoryTests(app);

public sealed class CategoryTestsOnPostgres(PostgresApp app) : CategoryTests(app);
