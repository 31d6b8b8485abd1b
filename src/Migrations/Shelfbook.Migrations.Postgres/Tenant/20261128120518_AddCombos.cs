using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Postgres.Tenant
{
    /// <inheritdoc />
    public partial class AddCombos : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "kind",
                table: "skus",
                type: "character varying(10)",
                maxLength: 10,
                nullable: false,
                defaultValue: "Plain");

            migrationBuilder.CreateTable(
                name: "catalog_settings",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    combo_price_basis = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_catalog_settings", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "combo_components",
                columns: table => new
                {
                    combo_sku_id = table.Column<Guid>(type: "uuid", nullable: false),
                    component_sku_id = table.Column<Guid>(type: "uuid", nullable: false),
                    quantity = table.Column<int>(type: "integer", nullable: false),
                    line = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_combo_components", x => new { x.combo_sku_id, x.component_sku_id });
                    table.ForeignKey(
                        name: "fk_combo_components_sku_component_sku_id",
                        column: x => x.component_sku_id,
                        principalTable: "skus",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_combo_components_skus_combo_sku_id",
                        column: x => x.combo_sku_id,
                        principalTable: "skus",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_combo_components_component_sku_id",
                table: "combo_components",
                column: "component_sku_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "catalog_settings");

            migrationBuilder.DropTable(
                name: "combo_components");

            migrationBuilder.DropColumn(
                name: "kind",
                table: "skus");
        }
    }
}
