// common.h -- what the ns-3 (3.37) baseline scenarios (chain.cc, dumbbell.cc) build
// alike: the links netlab's simulator models, and queueing left to the devices alone.
// Written against the public ns-3 API.

#pragma once

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/traffic-control-module.h"

#include <cstdint>
#include <string>

namespace netlab_bench
{

// A point-to-point link of `rate` and `delay`, 1500-byte MTU, whose only buffer is the
// device's DropTail FIFO of `queuePackets` packets (a netlab link's queue).
inline ns3::PointToPointHelper
DropTailLink(const std::string& rate, const std::string& delay, uint32_t queuePackets)
{
    using namespace ns3;
    PointToPointHelper link;
    link.SetDeviceAttribute("DataRate", StringValue(rate));
    link.SetDeviceAttribute("Mtu", UintegerValue(1500));
    link.SetChannelAttribute("Delay", StringValue(delay));
    link.SetQueue("ns3::DropTailQueue<Packet>",
                  "MaxSize",
                  QueueSizeValue(QueueSize(QueueSizeUnit::PACKETS, queuePackets)));
    return link;
}

// After addressing: Ipv4AddressHelper::Assign installs ns-3's default queue disc
// (FqCoDel) on every device. Remove it, so the only buffer is each device's DropTail
// FIFO, then compute the static routes.
inline void
DeviceQueuesOnlyAndRoute(const ns3::NetDeviceContainer& devs)
{
    using namespace ns3;
    TrafficControlHelper tch;
    tch.Uninstall(devs);
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();
}

} // namespace netlab_bench
