using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Postgres.Tenant
{
    /// <inheritdoc />
    public partial class AddCategoriesAndCodeRegistry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_sku_aliases_sku_sku_id",
                table: "sku_aliases");

            migrationBuilder.AlterColumn<string>(
                name: "normalized_code",
                table: "skus",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                collation: "C",
                oldClrType: typeof(string),
                oldType: "character varying(64)",
                oldMaxLength: 64);

            migrationBuilder.AddColumn<Guid>(
                name: "category_id",
                table: "products",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "catalog_codes",
                columns: table => new
                {
                    value = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    sku_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_catalog_codes", x => x.value);
                    table.ForeignKey(
                        name: "fk_catalog_codes_sku_sku_id",
                        column: x => x.sku_id,
                        principalTable: "skus",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "categories",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    parent_id = table.Column<Guid>(type: "uuid", nullable: true),
                    name = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    sort = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_categories", x => x.id);
                    table.ForeignKey(
                        name: "fk_categories_categories_parent_id",
                        column: x => x.parent_id,
                        principalTable: "categories",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_products_category_id",
                table: "products",
                column: "category_id");

            // Register the codes that exist already: SKU codes first, then aliases, then barcodes (a value keeps its first meaning).
            migrationBuilder.Sql("INSERT INTO catalog_codes (value, sku_id, kind) SELECT normalized_code, id, 'Code' FROM skus ON CONFLICT DO NOTHING;");
            migrationBuilder.Sql("INSERT INTO catalog_codes (value, sku_id, kind) SELECT normalized_code, sku_id, 'Alias' FROM sku_aliases ON CONFLICT DO NOTHING;");
            migrationBuilder.Sql("INSERT INTO catalog_codes (value, sku_id, kind) SELECT upper(code), sku_id, 'Barcode' FROM sku_barcodes ON CONFLICT DO NOTHING;");

            migrationBuilder.CreateIndex(
                name: "ix_catalog_codes_sku_id",
                table: "catalog_codes",
                column: "sku_id");

            migrationBuilder.CreateIndex(
                name: "ix_categories_parent_id",
                table: "categories",
                column: "parent_id");

            migrationBuilder.AddForeignKey(
                name: "fk_products_categories_category_id",
                table: "products",
                column: "category_id",
                principalTable: "categories",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_sku_aliases_sku_sku_id",
                table: "sku_aliases",
                column: "sku_id",
                principalTable: "skus",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_products_categories_category_id",
                table: "products");

            migrationBuilder.DropForeignKey(
                name: "fk_sku_aliases_sku_sku_id",
                table: "sku_aliases");

            migrationBuilder.DropTable(
                name: "catalog_codes");

            migrationBuilder.DropTable(
                name: "categories");

            migrationBuilder.DropIndex(
                name: "ix_products_category_id",
                table: "products");

            migrationBuilder.DropColumn(
                name: "category_id",
                table: "products");

            migrationBuilder.AlterColumn<string>(
                name: "normalized_code",
                table: "skus",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(64)",
                oldMaxLength: 64,
                oldCollation: "C");

            migrationBuilder.AddForeignKey(
                name: "fk_sku_aliases_sku_sku_id",
                table: "sku_aliases",
                column: "sku_id",
                principalTable: "skus",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }
    }
}
