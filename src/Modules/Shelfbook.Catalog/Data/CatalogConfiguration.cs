using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Shelfbook.Catalog.Domain;
using Shelfbook.Data;

namespace Shelfbook.Catalog.Data;

internal sealed class ProductConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> builder)
    {
        builder.ToTable("products");
        builder.Property(p => p.Name).HasMaxLength(Product.NameMax);
        builder.Property(p => p.Brand).HasMaxLength(50);
        builder.Property(p => p.Unit).HasMaxLength(10);
        builder.Property(p => p.Notes).HasMaxLength(1000);
        builder.HasIndex(p => p.Name);
        builder.HasIndex(p => p.Brand);
        builder.HasIndex(p => p.CategoryId);
        builder.HasOne<Supplier>().WithMany().HasForeignKey(p => p.DefaultSupplierId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Category>().WithMany().HasForeignKey(p => p.CategoryId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(p => p.Skus).WithOne().HasForeignKey(s => s.ProductId).OnDelete(DeleteBehavior.Restrict);
        builder.Navigation(p => p.Skus).HasField("_skus");
    }
}

internal sealed class SkuConfiguration : IEntityTypeConfiguration<Sku>
{
    public void Configure(EntityTypeBuilder<Sku> builder)
    {
        builder.ToTable("skus");
        builder.Property(s => s.Code).HasMaxLength(Sku.CodeMax);
        builder.Property(s => s.NormalizedCode).HasMaxLength(Sku.CodeMax).IsOrdinal();
        builder.HasIndex(s => s.NormalizedCode).IsUnique();
        builder.Property(s => s.Spec).HasMaxLength(200);
        builder.Property(s => s.Currency).HasMaxLength(3);
        builder.Property(s => s.Kind).HasConversion<string>().HasMaxLength(10);
        builder.HasMany(s => s.Components).WithOne().HasForeignKey(c => c.ComboSkuId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(s => s.Components).HasField("_components");
        builder.HasMany(s => s.Barcodes).WithOne().HasForeignKey(b => b.SkuId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(s => s.Barcodes).HasField("_barcodes");
        // SKUs are never deleted; cascade only lets an alias dropped from the SKU's list be deleted with it.
        builder.HasMany(s => s.Aliases).WithOne().HasForeignKey(a => a.SkuId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(s => s.Aliases).HasField("_aliases");
        builder.HasMany(s => s.Codes).WithOne().HasForeignKey(c => c.SkuId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(s => s.Codes).HasField("_codes");
    }
}

internal sealed class SkuBarcodeConfiguration : IEntityTypeConfiguration<SkuBarcode>
{
    public void Configure(EntityTypeBuilder<SkuBarcode> builder)
    {
        builder.ToTable("sku_barcodes");
        builder.HasKey(b => b.Code);
        builder.Property(b => b.Code).HasMaxLength(64);
        builder.HasIndex(b => b.SkuId);
    }
}

internal sealed class SkuAliasConfiguration : IEntityTypeConfiguration<SkuAlias>
{
    public void Configure(EntityTypeBuilder<SkuAlias> builder)
    {
        builder.ToTable("sku_aliases");
        builder.HasKey(a => a.NormalizedCode);
        builder.Property(a => a.NormalizedCode).HasMaxLength(SkuAlias.CodeMax).IsOrdinal();
        builder.Property(a => a.Code).HasMaxLength(SkuAlias.CodeMax);
        builder.Property(a => a.Note).HasMaxLength(200);
        builder.HasIndex(a => a.SkuId);
    }
}

internal sealed class CatalogCodeConfiguration : IEntityTypeConfiguration<CatalogCode>
{
    public void Configure(EntityTypeBuilder<CatalogCode> builder)
    {
        builder.ToTable("catalog_codes");
        builder.HasKey(c => c.Value);
        builder.Property(c => c.Value).HasMaxLength(Sku.CodeMax).IsOrdinal();
        builder.Property(c => c.Kind).HasConversion<string>().HasMaxLength(10);
        builder.Property(c => c.Compact).HasMaxLength(Sku.CodeMax).IsOrdinal();
        builder.HasIndex(c => c.SkuId);
        builder.HasIndex(c => c.Compact);
    }
}

internal sealed class CategoryConfiguration : IEntityTypeConfiguration<Category>
{
    public void Configure(EntityTypeBuilder<Category> builder)
    {
        builder.ToTable("categories");
        builder.Property(c => c.Name).HasMaxLength(Category.NameMax);
        builder.HasIndex(c => c.ParentId);
        builder.HasOne<Category>().WithMany().HasForeignKey(c => c.ParentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ComboComponentConfiguration : IEntityTypeConfiguration<ComboComponent>
{
    public void Configure(EntityTypeBuilder<ComboComponent> builder)
    {
        builder.ToTable("combo_components");
        builder.HasKey(c => new { c.ComboSkuId, c.ComponentSkuId });
        // "Which combos use this SKU?" (deactivation, availability of combos when a component's stock moves).
        builder.HasIndex(c => c.ComponentSkuId);
        builder.HasOne<Sku>().WithMany().HasForeignKey(c => c.ComponentSkuId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CatalogSettingsConfiguration : IEntityTypeConfiguration<CatalogSettings>
{
    public void Configure(EntityTypeBuilder<CatalogSettings> builder)
    {
        builder.ToTable("catalog_settings");
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.ComboPriceBasis).HasConversion<string>().HasMaxLength(20);
    }
}

internal sealed class CatalogStampConfiguration : IEntityTypeConfiguration<CatalogStamp>
{
    public void Configure(EntityTypeBuilder<CatalogStamp> builder)
    {
        builder.ToTable("catalog_stamp");
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.HasData(new { Id = CatalogStamp.SingletonId, Version = 0L });
    }
}

internal sealed class ShopConfiguration : IEntityTypeConfiguration<Shop>
{
    public void Configure(EntityTypeBuilder<Shop> builder)
    {
        builder.ToTable("shops");
        builder.Property(s => s.Platform).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.Code).HasMaxLength(Shop.CodeMax);
        builder.Property(s => s.NormalizedCode).HasMaxLength(Shop.CodeMax).IsOrdinal();
        builder.HasIndex(s => s.NormalizedCode).IsUnique();
        builder.Property(s => s.Name).HasMaxLength(100);
    }
}

internal sealed class ShopListingConfiguration : IEntityTypeConfiguration<ShopListing>
{
    public void Configure(EntityTypeBuilder<ShopListing> builder)
    {
        builder.ToTable("shop_listings");
        builder.Property(l => l.PlatformItemId).HasMaxLength(ShopListing.IdMax);
        builder.Property(l => l.PlatformSkuId).HasMaxLength(ShopListing.IdMax);
        builder.HasIndex(l => new { l.ShopId, l.PlatformItemId, l.PlatformSkuId }).IsUnique();
        // The unmatched queue of a shop, oldest first.
        builder.HasIndex(l => new { l.ShopId, l.Match, l.Id });
        builder.HasIndex(l => l.SkuId);
        builder.Property(l => l.SellerCode).HasMaxLength(Sku.CodeMax);
        builder.Property(l => l.NormalizedSellerCode).HasMaxLength(Sku.CodeMax).IsOrdinal();
        // The listing search by seller-code prefix within a shop.
        builder.HasIndex(l => new { l.ShopId, l.NormalizedSellerCode });
        builder.Property(l => l.Barcode).HasMaxLength(64);
        builder.Property(l => l.Title).HasMaxLength(200);
        builder.Property(l => l.Spec).HasMaxLength(200);
        builder.Property(l => l.Match).HasConversion<string>().HasMaxLength(10);
        builder.Property(l => l.MatchedBy).HasMaxLength(10);
        builder.HasOne<Shop>().WithMany().HasForeignKey(l => l.ShopId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Sku>().WithMany().HasForeignKey(l => l.SkuId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SkuReplacementConfiguration : IEntityTypeConfiguration<SkuReplacement>
{
    public void Configure(EntityTypeBuilder<SkuReplacement> builder)
    {
        builder.ToTable("sku_replacements");
        builder.HasIndex(r => r.FromSkuId);
        builder.Property(r => r.Note).HasMaxLength(200);
        builder.HasOne<Sku>().WithMany().HasForeignKey(r => r.FromSkuId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Sku>().WithMany().HasForeignKey(r => r.ToSkuId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Shop>().WithMany().HasForeignKey(r => r.ShopId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SupplierConfiguration : IEntityTypeConfiguration<Supplier>
{
    public void Configure(EntityTypeBuilder<Supplier> builder)
    {
        builder.ToTable("suppliers");
        builder.Property(s => s.Code).HasMaxLength(Supplier.CodeMax);
        builder.Property(s => s.NormalizedCode).HasMaxLength(Supplier.CodeMax).IsOrdinal();
        builder.HasIndex(s => s.NormalizedCode).IsUnique();
        builder.Property(s => s.Name).HasMaxLength(100);
        builder.Property(s => s.Contact).HasMaxLength(50);
        builder.Property(s => s.Phone).HasMaxLength(30);
    }
}
