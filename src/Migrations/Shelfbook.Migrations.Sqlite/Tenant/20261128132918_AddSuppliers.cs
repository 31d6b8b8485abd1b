using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Sqlite.Tenant
{
    /// <inheritdoc />
    public partial class AddSuppliers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "default_supplier_id",
                table: "products",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "suppliers",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    normalized_code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    contact = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    phone = table.Column<string>(type: "TEXT", maxLength: 30, nullable: true),
                    active = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_suppliers", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_products_default_supplier_id",
                table: "products",
                column: "default_supplier_id");

            migrationBuilder.CreateIndex(
                name: "ix_suppliers_normalized_code",
                table: "suppliers",
                column: "normalized_code",
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "fk_products_supplier_default_supplier_id",
                table: "products",
                column: "default_supplier_id",
                principalTable: "suppliers",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_products_supplier_default_supplier_id",
                table: "products");

            migrationBuilder.DropTable(
                name: "suppliers");

            migrationBuilder.DropIndex(
                name: "ix_products_default_supplier_id",
                table: "products");

            migrationBuilder.DropColumn(
                name: "default_supplier_id",
                table: "products");
        }
    }
}
