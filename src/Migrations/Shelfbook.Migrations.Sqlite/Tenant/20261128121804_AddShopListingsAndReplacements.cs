using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Sqlite.Tenant
{
    /// <inheritdoc />
    public partial class AddShopListingsAndReplacements : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "compact",
                table: "catalog_codes",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            // CatalogCode.CompactOf for the rows that exist: the value without CatalogCode.Separators.
            migrationBuilder.Sql("UPDATE catalog_codes SET compact = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(value, ' ', ''), '-', ''), '_', ''), '.', ''), '/', ''), '\\', ''), '*', ''), '#', ''), '+', ''), '(', ''), ')', ''), '[', ''), ']', '');");

            migrationBuilder.CreateTable(
                name: "shops",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    platform = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    normalized_code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    active = table.Column<bool>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_shops", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "shop_listings",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    shop_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    platform_item_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    platform_sku_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    seller_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    normalized_seller_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    barcode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    spec = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    price = table.Column<long>(type: "INTEGER", nullable: false),
                    sku_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    multiplier = table.Column<int>(type: "INTEGER", nullable: false),
                    match = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    matched_by = table.Column<string>(type: "TEXT", maxLength: 10, nullable: true),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_shop_listings", x => x.id);
                    table.ForeignKey(
                        name: "fk_shop_listings_shops_shop_id",
                        column: x => x.shop_id,
                        principalTable: "shops",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_shop_listings_sku_sku_id",
                        column: x => x.sku_id,
                        principalTable: "skus",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "sku_replacements",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    from_sku_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    to_sku_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    factor = table.Column<int>(type: "INTEGER", nullable: false),
                    shop_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    starts_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ends_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    only_when_out_of_stock = table.Column<bool>(type: "INTEGER", nullable: false),
                    note = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    active = table.Column<bool>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sku_replacements", x => x.id);
                    table.ForeignKey(
                        name: "fk_sku_replacements_shops_shop_id",
                        column: x => x.shop_id,
                        principalTable: "shops",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_sku_replacements_skus_from_sku_id",
                        column: x => x.from_sku_id,
                        principalTable: "skus",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_sku_replacements_skus_to_sku_id",
                        column: x => x.to_sku_id,
                        principalTable: "skus",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_catalog_codes_compact",
                table: "catalog_codes",
                column: "compact");

            migrationBuilder.CreateIndex(
                name: "ix_shop_listings_shop_id_match_id",
                table: "shop_listings",
                columns: new[] { "shop_id", "match", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_shop_listings_shop_id_platform_item_id_platform_sku_id",
                table: "shop_listings",
                columns: new[] { "shop_id", "platform_item_id", "platform_sku_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_shop_listings_sku_id",
                table: "shop_listings",
                column: "sku_id");

            migrationBuilder.CreateIndex(
                name: "ix_shops_normalized_code",
                table: "shops",
                column: "normalized_code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_sku_replacements_from_sku_id",
                table: "sku_replacements",
                column: "from_sku_id");

            migrationBuilder.CreateIndex(
                name: "ix_sku_replacements_shop_id",
                table: "sku_replacements",
                column: "shop_id");

            migrationBuilder.CreateIndex(
                name: "ix_sku_replacements_to_sku_id",
                table: "sku_replacements",
                column: "to_sku_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "shop_listings");

            migrationBuilder.DropTable(
                name: "sku_replacements");

            migrationBuilder.DropTable(
                name: "shops");

            migrationBuilder.DropIndex(
                name: "ix_catalog_codes_compact",
                table: "catalog_codes");

            migrationBuilder.DropColumn(
                name: "compact",
                table: "catalog_codes");
        }
    }
}
