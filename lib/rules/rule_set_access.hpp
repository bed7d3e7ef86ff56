// Private access to a loaded rule_set (rule_set::impl): the bound conditions the runtime evaluates, beside the public views.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "mitrekg/rules.hpp"
#include "rules/condition.hpp"

namespace mitrekg {

struct rule_set::impl {
  std::vector<rule_list_info> lists;
  std::vector<rule_macro_info> macros;
  std::vector<rule_info> rules;
  std::vector<plugin_requirement> plugins;
  std::unordered_map<std::string, std::size_t> list_index, macro_index, rule_index;
  std::vector<diagnostic> diags;
  std::vector<std::string> kinds;   // parallel to diags
  std::size_t files = 0;
  // Parallel to rules: the bound condition of each compiled rule (!ok() for
  // rules not compiled). The runtime evaluates enabled rules with ok() conditions.
  std::vector<rules::bound_condition> conditions;
};

namespace rules {

struct collection;

// Resolves lists, checks macros, binds every rule of a loaded source (with its
// exceptions), checks outputs, indexes event types and reports unused items.
std::shared_ptr<const rule_set::impl> compile(collection&& c, const rule_load_options& options);

}  // namespace rules
}  // namespace mitrekg
