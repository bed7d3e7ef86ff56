// Umbrella header: everything public in mitrekg.
#pragma once

#include "mitrekg/attack.hpp"
#include "mitrekg/countermeasures.hpp"
#include "mitrekg/d3fend.hpp"
#include "mitrekg/engine.hpp"
#include "mitrekg/data.hpp"
#include "mitrekg/diagnostic.hpp"
#include "mitrekg/error.hpp"
#include "mitrekg/graph.hpp"
#include "mitrekg/query.hpp"
#include "mitrekg/store.hpp"
#include "mitrekg/tags.hpp"
#include "mitrekg/version.hpp"
